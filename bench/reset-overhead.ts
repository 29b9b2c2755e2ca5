import { createHmac } from "node:crypto";
import { RestClientV5 } from "bybit-api";
import type { AppUnderTest } from "../tests/support/app-server";
import { fixtureAccount } from "../tests/support/fixtures";
import { signIn } from "../tests/support/session";
import { simControl, type SimLogEntry } from "../tests/support/sim-client";
import { resetViaApi } from "./api";
import { watchDesk } from "./desk-watch";
import { log, round, sleep, summarise, type Summary } from "./stats";

// Figure 1: what our reset endpoint adds to the venue's own round trip. Three ways to reset the
// same Bybit scope on the same simulator, interleaved round by round (rotating order), with 20 ms
// of venue latency injected on the reset path:
//   app    – POST /api/mmp/reset as a signed-in trader (auth, origin, audit before/after, signed
//            venue call, re-read of the account, publish);
//   direct – the same venue call signed inline with node:crypto and sent with fetch;
//   sdk    – the popular client library `bybit-api` (RestClientV5.resetMMP).
// Untimed before every call: freeze the scope at the simulator; for `app` also wait until the
// app has read it FROZEN (a read newer than the freeze), since the endpoint refuses otherwise.

const ACCOUNT = "bb-main";
const SCOPE = "BTC";
const RESET_PATH = "/v5/account/mmp-reset";
const STATE_PATH = "/v5/account/mmp-state";
const LATENCY_MS = 20;
/** The simulator, like Bybit, allows 5 resets per second per key: start calls ≥ 250 ms apart. */
const MIN_SPACING_MS = 250;

type Method = "app" | "direct" | "sdk";

export interface ResetOverhead {
  venue: "bybit";
  path: string;
  injectedLatencyMs: number;
  rounds: number;
  app: Summary;
  direct: Summary;
  sdk: Summary;
  /** The venue round trip as the app itself measured it (ResetResult.latencyMs). */
  appVenueRoundTrip: Summary;
  errors: Record<Method, string[]>;
  appWaitTimeouts: number;
  ratioP50VsDirect: number;
  addedMsP50VsDirect: number;
  addedMsP99VsDirect: number;
  ratioP50VsSdk: number;
  addedMsP50VsSdk: number;
  /** Diagnostic: the same endpoint refusing an ACTIVE row (409, no venue call). */
  refusedNoVenueCall: Summary;
  /** Where the app's time goes, from the simulator's request log (arrival times, ms clock). */
  appBreakdown: {
    /** Request sent → reset arrives at the venue (auth, guards, audit `requested`, signing). */
    beforeVenueMs: Summary;
    /** Venue answered → response received (re-read, publish, audit result). */
    afterVenueMs: Summary;
    /** Venue answered → first re-read request arrives at the venue. */
    reReadStartsAfterMs: Summary;
    /** Venue answered → last re-read request arrives (the re-read waits for rate tokens). */
    lastReReadArrivesAfterMs: Summary;
    /** Last re-read request arrived → response received (re-read answer, publish, audit). */
    afterLastReReadMs: Summary;
    /** MMP reads arriving at the venue while the app's reset was in flight. */
    readsDuringReset: Summary;
  };
  /** Where the app's time went by its own Server-Timing header (ms per span; spans nest: `check`
   * and `result` contain their `venue`/`token`, `token` is the wait for a rate-budget token). */
  appSpans: Record<string, Summary>;
  /** Venue error codes in the simulator's log for this account's reads and resets. */
  venueRejections: Record<string, number>;
}

export async function resetOverhead(
  app: AppUnderTest,
  opts: { rounds: number; warmup: number; budgetMs: number },
): Promise<ResetOverhead> {
  const ctl = simControl(app.sim.url);
  const { apiKey, secret } = fixtureAccount(ACCOUNT);
  const cookie = await signIn(app.url, "trader1");
  const watch = await watchDesk(app.url, cookie, [ACCOUNT]);
  const rowId = `${ACCOUNT}/${SCOPE}`;
  const sdk = new RestClientV5({ key: apiKey, secret, baseUrl: app.sim.url, recv_window: 5000 });

  const direct = async (): Promise<string | null> => {
    const body = JSON.stringify({ baseCoin: SCOPE });
    const ts = Date.now();
    const sign = createHmac("sha256", secret).update(`${ts}${apiKey}5000${body}`).digest("hex");
    const res = await fetch(`${app.sim.url}${RESET_PATH}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "X-BAPI-API-KEY": apiKey,
        "X-BAPI-TIMESTAMP": String(ts),
        "X-BAPI-RECV-WINDOW": "5000",
        "X-BAPI-SIGN": sign,
      },
      body,
    });
    const json = (await res.json()) as { retCode?: number; retMsg?: string };
    return json.retCode === 0 ? null : `retCode ${json.retCode}: ${json.retMsg}`;
  };
  const viaSdk = async (): Promise<string | null> => {
    const json = await sdk.resetMMP(SCOPE);
    return json.retCode === 0 ? null : `retCode ${json.retCode}: ${json.retMsg}`;
  };
  const appVenue: number[] = [];
  const spans: Record<string, number[]> = {};
  const appWindows: { from: number; to: number }[] = [];
  const seen = new Map<number, SimLogEntry>();
  const collectLog = async () => {
    for (const path of [RESET_PATH, STATE_PATH])
      for (const e of await ctl.log({ path })) seen.set(e.seq, e);
  };
  const viaApp = async (): Promise<string | null> => {
    const r = await resetViaApi(app.url, cookie, ACCOUNT, SCOPE);
    if (r.status === 200 && r.body.outcome === "ok") {
      if (typeof r.body.latencyMs === "number") appVenue.push(r.body.latencyMs);
      for (const [name, ms] of Object.entries(r.spans)) (spans[name] ??= []).push(ms);
      return null;
    }
    return `HTTP ${r.status} ${r.body.error?.code ?? r.body.outcome ?? ""}`;
  };
  const call: Record<Method, () => Promise<string | null>> = { app: viaApp, direct, sdk: viaSdk };

  const samples: Record<Method, number[]> = { app: [], direct: [], sdk: [] };
  const errors: Record<Method, string[]> = { app: [], direct: [], sdk: [] };
  let appWaitTimeouts = 0;
  let lastStart = 0;

  await ctl.fault({ venue: "bybit", path: RESET_PATH, kind: "latency", ms: LATENCY_MS, times: 0 });
  const end = Date.now() + opts.budgetMs;
  const order: Method[] = ["app", "direct", "sdk"];
  let round_ = 0;
  try {
    for (; round_ < opts.warmup + opts.rounds && Date.now() < end; round_ += 1) {
      const rotated = [...order.slice(round_ % 3), ...order.slice(0, round_ % 3)];
      for (const method of rotated) {
        const frozeAt = Date.now();
        await ctl.freeze(apiKey, SCOPE);
        if (method === "app") {
          const seen = await watch.waitRow(
            rowId,
            (r) => r.status === "frozen" && (r.fetchedAt ?? 0) >= frozeAt && r.problem === null,
            5000,
          );
          if (!seen) {
            appWaitTimeouts += 1;
            continue;
          }
        }
        const wait = lastStart + MIN_SPACING_MS - Date.now();
        if (wait > 0) await sleep(wait);
        lastStart = Date.now();
        const from = Date.now();
        const started = performance.now();
        let error: string | null;
        try {
          error = await call[method]();
        } catch (err) {
          error = err instanceof Error ? err.message : JSON.stringify(err);
        }
        const ms = performance.now() - started;
        if (round_ < opts.warmup) continue;
        if (error) errors[method].push(error);
        else samples[method].push(ms);
        if (method === "app" && !error) appWindows.push({ from, to: Date.now() });
      }
      // The simulator keeps its last 5,000 requests: collect the ones we need as we go.
      if (round_ % 10 === 0) await collectLog();
      if ((round_ + 1) % 25 === 0) log(`reset overhead: ${round_ + 1} rounds`);
    }
    await collectLog();
  } finally {
    await ctl.clearFaults();
  }
  const entries = [...seen.values()].sort((a, b) => a.seq - b.seq);
  const before: number[] = [];
  const after: number[] = [];
  const reRead: number[] = [];
  const reads: number[] = [];
  const lastReRead: number[] = [];
  const afterLast: number[] = [];
  for (const w of appWindows) {
    const reset = entries.find((e) => e.path === RESET_PATH && e.at >= w.from && e.at <= w.to);
    if (!reset) continue;
    const answered = reset.at + LATENCY_MS;
    before.push(reset.at - w.from);
    after.push(w.to - answered);
    const during = entries.filter((e) => e.path === STATE_PATH && e.at >= w.from && e.at <= w.to);
    reads.push(during.length);
    const reReads = during.filter((e) => e.at >= reset.at);
    if (reReads.length) {
      reRead.push(reReads[0]!.at - answered);
      lastReRead.push(reReads[reReads.length - 1]!.at - answered);
      afterLast.push(w.to - reReads[reReads.length - 1]!.at);
    }
  }
  const venueRejections: Record<string, number> = {};
  for (const e of entries)
    if (e.apiKey === apiKey && e.venueCode !== null)
      venueRejections[`${e.path} ${e.venueCode}`] =
        (venueRejections[`${e.path} ${e.venueCode}`] ?? 0) + 1;

  // Diagnostic: the endpoint's fixed cost without a venue call (an ACTIVE row → 409 not_frozen).
  const refused: number[] = [];
  await watch.waitRow(rowId, (r) => r.status === "active", 5000);
  for (let i = 0; i < 30; i += 1) {
    const r = await resetViaApi(app.url, cookie, ACCOUNT, SCOPE);
    if (r.status === 409) refused.push(r.ms);
    await sleep(30);
  }
  watch.close();

  const s = {
    app: summarise(samples.app),
    direct: summarise(samples.direct),
    sdk: summarise(samples.sdk),
  };
  return {
    venue: "bybit",
    path: RESET_PATH,
    injectedLatencyMs: LATENCY_MS,
    rounds: Math.max(0, round_ - opts.warmup),
    ...s,
    appVenueRoundTrip: summarise(appVenue),
    errors,
    appWaitTimeouts,
    ratioP50VsDirect: round(s.app.p50 / s.direct.p50, 3),
    addedMsP50VsDirect: round(s.app.p50 - s.direct.p50),
    addedMsP99VsDirect: round(s.app.p99 - s.direct.p99),
    ratioP50VsSdk: round(s.app.p50 / s.sdk.p50, 3),
    addedMsP50VsSdk: round(s.app.p50 - s.sdk.p50),
    refusedNoVenueCall: summarise(refused),
    appBreakdown: {
      beforeVenueMs: summarise(before),
      afterVenueMs: summarise(after),
      reReadStartsAfterMs: summarise(reRead),
      lastReReadArrivesAfterMs: summarise(lastReRead),
      afterLastReReadMs: summarise(afterLast),
      readsDuringReset: summarise(reads),
    },
    appSpans: Object.fromEntries(Object.entries(spans).map(([name, ms]) => [name, summarise(ms)])),
    venueRejections,
  };
}
