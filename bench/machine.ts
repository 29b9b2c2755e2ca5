import { readFileSync, readdirSync } from "node:fs";
import { cpus, loadavg, platform, release, totalmem } from "node:os";

// The machine a run was measured on, and the memory of a process tree (Linux /proc).

export interface Machine {
  cpus: number;
  cpuModel: string;
  memGiB: number;
  node: string;
  platform: string;
  date: string;
  loadAvg1mAtStart: number;
  openFilesLimit: number | null;
}

function openFilesLimit(): number | null {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = line ? Number(line.split(/\s{2,}/)[1]) : Number.NaN;
    return Number.isFinite(soft) ? soft : null;
  } catch {
    return null;
  }
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()}`,
    date: new Date().toISOString(),
    loadAvg1mAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    openFilesLimit: openFilesLimit(),
  };
}

/** VmRSS of one process in MiB, or null when it is gone (or not Linux). */
function rssMiB(pid: number): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("VmRSS:"));
    const kb = line ? Number(/(\d+)/.exec(line)?.[1]) : Number.NaN;
    return Number.isFinite(kb) ? Math.round((kb / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  try {
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        // pid (comm) state ppid …; comm may contain spaces, so cut after the last ")".
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (ppid === pid) kids.push(Number(name));
      } catch {
        // the process ended while we looked
      }
    }
  } catch {
    // no /proc
  }
  return kids;
}

/** RSS of a process and all its descendants in MiB (next start may fork workers). */
export function treeRssMiB(pid: number): number | null {
  const own = rssMiB(pid);
  if (own === null) return null;
  let total = own;
  const queue = childrenOf(pid);
  while (queue.length) {
    const p = queue.shift()!;
    total += rssMiB(p) ?? 0;
    queue.push(...childrenOf(p));
  }
  return Math.round(total * 10) / 10;
}

/** Open file descriptors of a process, or null. */
export function openFds(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}
