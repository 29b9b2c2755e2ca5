import "server-only";
import { auditKeyRing, type AuditKeyRing } from "@/lib/audit/keys";
import { ChainPass, unansweredAfterMs } from "@/lib/audit/verify";
import { getDb, type Db } from "@/lib/db/client";
import type { ChainVerdict } from "@/lib/model/audit";
import { log } from "@/lib/platform/log";
import { metrics } from "@/lib/platform/metrics";
import { singleton } from "@/lib/platform/singleton";

// The audit trail's verifier, off the request path: /api/audit and /audit only read its latest
// verdict. Every few seconds it verifies the rows appended since its checkpoint (the last verified
// seq and hash) and the anchors written since; if the checkpoint row itself is gone or changed it
// verifies fully at once. Deleting or editing a row below the checkpoint changes nothing at the
// tail, so a full pass from row 1 also runs at start-up and then again after a gap of ten times
// the CPU time it used (pauses not counted; at least 5 s, at most an hour): about 10 % of one
// core at most, and a small trail is re-checked within seconds. Every pass reads in chunks and
// yields to the event loop between them (setImmediate), so requests are never held up by it for
// more than one chunk. The pauses of the default pacing also leave the event loop alone for twice
// as long as the chunk before took (pacedPause): a full pass of a million rows then takes about
// three times its CPU time, and requests meanwhile wait behind at most one chunk of a few ms,
// instead of behind one chunk after another for the minute the pass would otherwise take.

export interface BackgroundOptions {
  handle?: () => Promise<Db>;
  keys?: () => AuditKeyRing;
  /** Default: the handle's anchor file. */
  anchorPath?: string | null;
  chunk?: number;
  tickMs?: number;
  fullMinGapMs?: number;
  fullMaxGapMs?: number;
  /** The gap before the next full pass is at least this many times the CPU time of the last one. */
  fullDuty?: number;
  pause?: () => Promise<void>;
  now?: () => Date;
  unansweredAfterMs?: number;
}

export interface VerifierStats {
  fullPasses: number;
  incrementalPasses: number;
  /** The last pass: the checkpoint it started after and how many rows it read. */
  lastFrom: number;
  lastRowsRead: number;
  pauses: number;
}

export function pendingVerdict(note: string): ChainVerdict {
  return {
    ok: false,
    rows: 0,
    head: null,
    firstBad: null,
    checkedAt: null,
    anchoredSeq: 0,
    unanswered: [],
    unansweredCount: 0,
    notes: [note],
  };
}

/** Lets every callback already waiting run before the pass goes on (between chunks). */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A pause that keeps the pass to about `share` of the event loop's time: it waits as long, in
 * proportion, as the pass worked since the previous pause (and at least one turn of the loop).
 * What it counts as work is capped at MAX_BUSY_MS: the time since the last pause of an earlier
 * pass is idle time, not work. */
const MAX_BUSY_MS = 50;
export function pacedPause(
  share: number,
  clock: () => number = () => performance.now(),
  wait: (ms: number) => Promise<void> = (ms) =>
    ms >= 1 ? new Promise((r) => setTimeout(r, ms)) : yieldToEventLoop(),
): () => Promise<void> {
  let resumedAt: number | null = null;
  return async () => {
    const busy = resumedAt === null ? 0 : Math.min(MAX_BUSY_MS, clock() - resumedAt);
    await wait((busy * (1 - share)) / share);
    resumedAt = clock();
  };
}

export function createBackgroundVerifier(options: BackgroundOptions = {}) {
  const o = {
    handle: getDb,
    keys: auditKeyRing,
    chunk: 100,
    tickMs: 2000,
    fullMinGapMs: 5000,
    fullMaxGapMs: 3_600_000,
    fullDuty: 10,
    pause: pacedPause(1 / 3),
    now: () => new Date(),
    unansweredAfterMs: unansweredAfterMs(),
    ...options,
  };
  const stats: VerifierStats = {
    fullPasses: 0,
    incrementalPasses: 0,
    lastFrom: 0,
    lastRowsRead: 0,
    pauses: 0,
  };
  let pass: ChainPass | null = null;
  let verdict = pendingVerdict("The first verification is still running.");
  let nextFullAt = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  // A full pass is paced by the CPU it used itself: neither the other work that ran during its
  // pauses nor a machine busy with other processes may push the next full pass further away.
  let pausedCpuUs = 0;
  const cpuUs = (since?: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return used.user + used.system;
  };
  const pause = async () => {
    stats.pauses += 1;
    const before = process.cpuUsage();
    await o.pause();
    pausedCpuUs += cpuUs(before);
  };
  metrics.auditChainOk.set(1);

  function publish(v: ChainVerdict): ChainVerdict {
    // Logged when the finding changes, not at every pass.
    if (!v.ok && (verdict.ok || verdict.firstBad?.seq !== v.firstBad?.seq))
      log.error({ firstBad: v.firstBad }, "audit trail verification failed");
    verdict = v;
    metrics.auditChainOk.set(v.ok ? 1 : 0);
    metrics.auditFirstBadSeq.set(v.firstBad?.seq ?? 0);
    metrics.auditVerifiedSeq.set(v.head?.seq ?? 0);
    metrics.auditUnanswered.set(v.unansweredCount);
    return v;
  }

  async function runFull(): Promise<ChainVerdict> {
    const started = process.cpuUsage();
    pausedCpuUs = 0;
    const fresh = await ChainPass.open(await o.handle(), {
      keys: o.keys(),
      anchorPath: o.anchorPath,
      chunk: o.chunk,
      pause,
    });
    stats.lastFrom = 0;
    stats.lastRowsRead = await fresh.readRows();
    await fresh.readAnchors();
    pass = fresh;
    stats.fullPasses += 1;
    const gap = Math.min(
      o.fullMaxGapMs,
      Math.max(o.fullMinGapMs, ((cpuUs(started) - pausedCpuUs) / 1000) * o.fullDuty),
    );
    nextFullAt = Date.now() + gap;
    return publish(await fresh.verdict(o.now(), o.unansweredAfterMs));
  }

  async function runIncremental(): Promise<ChainVerdict> {
    // Nothing to continue from, or already broken (a full pass re-judges it): verify fully.
    if (!pass || !verdict.ok) return runFull();
    const head = pass.verifier.head;
    if (head) {
      const row = await pass.db
        .selectFrom("audit_log")
        .select("hash")
        .where("seq", "=", head.seq)
        .executeTakeFirst();
      // The checkpoint row vanished or changed: rows were deleted or rewritten behind the last
      // pass. Only a full pass can name the first bad one.
      if (row?.hash !== head.hash) return runFull();
    }
    stats.lastFrom = head?.seq ?? 0;
    stats.lastRowsRead = await pass.readRows();
    await pass.readAnchors();
    stats.incrementalPasses += 1;
    return publish(await pass.verdict(o.now(), o.unansweredAfterMs));
  }

  async function tick(): Promise<void> {
    if (!verdict.ok && verdict.checkedAt && Date.now() < nextFullAt) return;
    if (Date.now() >= nextFullAt) await runFull();
    else await runIncremental();
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      tick()
        .catch((err: unknown) => log.error({ err }, "audit trail verification could not run"))
        .finally(schedule);
    }, o.tickMs);
    timer.unref();
  }

  return {
    runFull,
    runIncremental,
    verdict: () => verdict,
    stats: () => ({ ...stats }),
    /** A full pass now, then the schedule above. */
    start(): void {
      stopped = false;
      runFull()
        .catch((err: unknown) => log.error({ err }, "audit trail verification could not run"))
        .finally(schedule);
    },
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

export type BackgroundVerifier = ReturnType<typeof createBackgroundVerifier>;

const running = singleton<{ verifier: BackgroundVerifier | null }>("audit-verifier", () => ({
  verifier: null,
}));

/** Start-up (lib/server/start.ts): the process's background verifier. */
export function startAuditVerifier(): void {
  if (running.verifier) return;
  running.verifier = createBackgroundVerifier();
  running.verifier.start();
}

/** The latest verdict, for /api/audit and /audit: never verifies on the request path. */
export function auditVerdict(): ChainVerdict {
  return (
    running.verifier?.verdict() ??
    pendingVerdict("The background verifier is not running in this process.")
  );
}
