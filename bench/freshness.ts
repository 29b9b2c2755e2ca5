import type { AppUnderTest } from "../tests/support/app-server";
import { signIn } from "../tests/support/session";
import { simControl } from "../tests/support/sim-client";
import { resetViaApi } from "./api";
import { watchDesk } from "./desk-watch";
import { log, sleep, summarise, type Summary } from "./stats";

// Figure 3: from a freeze at the venue (simulator /__sim/freeze on an ACTIVE row) to the
// `transition` event arriving at a viewer's stream. Between samples the row is reset through the
// API and seen ACTIVE again (untimed), then a random pause decorrelates the next freeze from the
// monitor's poll phase.

export interface Freshness {
  rowId: string;
  path: "poll" | "push";
  pollIntervalMs: number;
  samples: Summary;
  missed: number;
  resetErrors: string[];
  /** Poll path: freeze → the monitor's next read of the row arrives at the venue, and that
   * read's arrival → the transition reaching the viewer (from the simulator's request log). */
  breakdown?: { untilNextReadMs: Summary; readToViewerMs: Summary };
}

export async function freshness(
  app: AppUnderTest,
  opts: {
    accountId: string;
    apiKey: string;
    scope: string;
    path: "poll" | "push";
    pollIntervalMs: number;
    samples: number;
    budgetMs: number;
    /** The venue read of this row, to split the latency (path, and a query fragment). */
    read?: { path: string; query: string };
  },
): Promise<Freshness> {
  const ctl = simControl(app.sim.url);
  const cookie = await signIn(app.url, "trader2");
  const watch = await watchDesk(app.url, cookie, [opts.accountId]);
  const rowId = `${opts.accountId}/${opts.scope}`;
  const latencies: number[] = [];
  const resetErrors: string[] = [];
  let missed = 0;
  const wallOffset = Date.now() - performance.now();
  const walls: { froze: number; seen: number }[] = [];

  const makeActive = async () => {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const row = await watch.waitRow(rowId, (r) => r.status !== "unknown", 10_000);
      if (row?.status === "active") return;
      const since = Date.now();
      const r = await resetViaApi(app.url, cookie, opts.accountId, opts.scope);
      if (r.status !== 200) resetErrors.push(`HTTP ${r.status} ${r.body.error?.code ?? ""}`);
      if (
        await watch.waitRow(
          rowId,
          (x) => x.status === "active" && (x.fetchedAt ?? 0) >= since,
          5000,
        )
      )
        return;
      await sleep(500);
    }
    throw new Error(`${rowId} could not be made ACTIVE`);
  };

  try {
    const end = Date.now() + opts.budgetMs;
    // One warm-up sample (push channel connected, code paths warm), then the measured ones.
    for (let i = -1; i < opts.samples && Date.now() < end; i += 1) {
      await makeActive();
      await sleep(100 + Math.random() * 300);
      const t0 = performance.now();
      await ctl.freeze(opts.apiKey, opts.scope);
      const seen = await watch.waitTransition(rowId, "frozen", t0, i < 0 ? 20_000 : 10_000);
      if (i < 0) continue;
      if (seen) {
        latencies.push(seen.at - t0);
        walls.push({ froze: t0 + wallOffset, seen: seen.at + wallOffset });
      } else missed += 1;
    }
    await makeActive();
  } finally {
    watch.close();
  }
  log(`freshness ${opts.path} ${rowId}: ${latencies.length} samples`);
  let breakdown: Freshness["breakdown"];
  if (opts.read) {
    const { path, query } = opts.read;
    const reads = (await ctl.log({ path }))
      .filter((e) => e.apiKey === opts.apiKey && e.query.includes(query))
      .map((e) => e.at);
    const until: number[] = [];
    const after: number[] = [];
    for (const w of walls) {
      // The log's clock has ms resolution; the read that saw the freeze started after it.
      const next = reads.find((at) => at >= Math.floor(w.froze));
      if (next === undefined || next > w.seen) continue;
      until.push(next - w.froze);
      after.push(w.seen - next);
    }
    breakdown = { untilNextReadMs: summarise(until), readToViewerMs: summarise(after) };
  }
  return {
    breakdown,
    rowId,
    path: opts.path,
    pollIntervalMs: opts.pollIntervalMs,
    samples: summarise(latencies),
    missed,
    resetErrors,
  };
}
