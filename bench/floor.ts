import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser } from "@playwright/test";
import { freePort } from "../tests/support/app-server";
import { pageWeight, type PageWeight } from "./page-perf";
import { log, sleep, summarise, type Summary } from "./stats";

// The floors under two figures, measured in the same run: the smallest App Router app this
// Next.js version builds (bench/floor-app: one page, one JSON route; built by bench/run.sh), and a
// bare node:http server. What the desk adds is read against them: its first-load JS against the
// empty page's, and a reset's overhead against what any Next.js route handler costs per request.

export interface Floor {
  /** GET of a route handler that only answers `{ok:true}`, sequential (ms). */
  nextRouteMs: Summary;
  /** The same GET against a bare node:http server (ms). */
  bareNodeMs: Summary;
  /** First-load JS of the empty page, counted as the desk's is. */
  emptyPage: PageWeight | null;
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

export async function frameworkFloor(browser: Browser | null, requests = 300): Promise<Floor> {
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
    const floor = { nextRouteMs: summarise(next), bareNodeMs: summarise(node), emptyPage };
    log(
      `floor: Next route p50 ${floor.nextRouteMs.p50} ms, bare node p50 ${floor.bareNodeMs.p50} ms; empty page ${emptyPage?.gzipKB ?? "n/a"} kB JS`,
    );
    return floor;
  } finally {
    child.kill("SIGTERM");
    bare.close();
  }
}
