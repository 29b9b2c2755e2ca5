import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser } from "@playwright/test";
import { freePort } from "../tests/support/app-server";
import { treeRssMiB } from "./machine";
import { pageWeight, type PageWeight } from "./page-perf";
import { openMany } from "./sse";
import { log, round, sleep, summarise, type Summary } from "./stats";

// The floors under three figures, measured in the same run: the smallest App Router app this
// Next.js version builds (bench/floor-app: one page, one JSON route, one stream route; built by
// bench/run.sh), and a bare node:http server. What the desk adds is read against them: its
// first-load JS against the empty page's, a reset's overhead against what any Next.js route
// handler costs per request, and its memory per open stream against a route handler's that holds
// streams and does nothing else.

export interface Floor {
  /** GET of a route handler that only answers `{ok:true}`, sequential (ms). */
  nextRouteMs: Summary;
  /** The same GET against a bare node:http server (ms). */
  bareNodeMs: Summary;
  /** First-load JS of the empty page, counted as the desk's is. */
  emptyPage: PageWeight | null;
  /** The bare stream route holding `streams` streams: RSS growth per stream (the process tree's
   * peak over its idle RSS, as the desk's figure is measured). */
  streamRss: {
    streams: number;
    idleMiB: number | null;
    peakMiB: number | null;
    perStreamKiB: number | null;
  };
}

/** Where bench/run.sh built bench/floor-app. */
const DIR = process.env.BENCH_FLOOR_DIR ?? join(import.meta.dirname, "floor-app");
const NEXT_BIN = join(DIR, "node_modules", "next", "dist", "bin", "next");

async function timedGets(url: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const started = performance.now();
    const res = await fetch(url);
    await res.text();
    out.push(performance.now() - started);
  }
  return out;
}

async function waitUp(url: string, budgetMs: number): Promise<void> {
  const end = Date.now() + budgetMs;
  while (Date.now() < end) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(200);
  }
  throw new Error(`floor app did not answer at ${url}`);
}

/** Holds `count` streams on the floor app's stream route for holdMs; RSS idle → peak. */
async function streamRss(url: string, pid: number, count: number, holdMs: number) {
  // The first stream loads the route's code: not per-stream memory.
  await fetch(`${url}/api/stream`).then((r) => r.body?.cancel());
  await sleep(3000);
  const idleMiB = treeRssMiB(pid);
  const streams = await openMany(count, 50, `${url}/api/stream`, [""]);
  let peakMiB = treeRssMiB(pid);
  const end = Date.now() + holdMs;
  while (Date.now() < end) {
    await sleep(2000);
    const rss = treeRssMiB(pid);
    if (rss !== null && (peakMiB === null || rss > peakMiB)) peakMiB = rss;
  }
  const open = streams.filter((s) => s.status === 200 && s.connected).length;
  streams.forEach((s) => s.close());
  const perStreamKiB =
    idleMiB !== null && peakMiB !== null && open > 0
      ? round(((peakMiB - idleMiB) * 1024) / open, 1)
      : null;
  return { streams: open, idleMiB, peakMiB, perStreamKiB };
}

export async function frameworkFloor(
  browser: Browser | null,
  opts: { requests?: number; streams?: number; streamHoldMs?: number } = {},
): Promise<Floor> {
  const { requests = 300, streams = 1000, streamHoldMs = 10_000 } = opts;
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: DIR,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
      stdio: "ignore",
    },
  );
  const bare = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/api/ping`;
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitUp(`${url}/api/ping`, 30_000);
    await timedGets(`${url}/api/ping`, 30); // warm-up: first requests load the route's code
    await timedGets(bareUrl, 30);
    // Interleaved in blocks, so both see the same machine.
    const next: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      next.push(...(await timedGets(`${url}/api/ping`, requests / 10)));
      node.push(...(await timedGets(bareUrl, requests / 10)));
    }
    const emptyPage = browser ? await pageWeight(browser, url, "/", null) : null;
    const rss = child.pid ? await streamRss(url, child.pid, streams, streamHoldMs) : null;
    const floor: Floor = {
      nextRouteMs: summarise(next),
      bareNodeMs: summarise(node),
      emptyPage,
      streamRss: rss ?? { streams: 0, idleMiB: null, peakMiB: null, perStreamKiB: null },
    };
    log(
      `floor: Next route p50 ${floor.nextRouteMs.p50} ms, bare node p50 ${floor.bareNodeMs.p50} ms; empty page ${emptyPage?.gzipKB ?? "n/a"} kB JS; ${floor.streamRss.streams} bare streams ${floor.streamRss.perStreamKiB ?? "n/a"} KiB each`,
    );
    return floor;
  } finally {
    child.kill("SIGTERM");
    bare.close();
  }
}
