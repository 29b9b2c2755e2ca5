import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startAppUnderTest, type AppUnderTest } from "../tests/support/app-server";
import { fixtureAccount } from "../tests/support/fixtures";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { auditLoad } from "./audit-load";
import { DERIBIT_ACCOUNT, startBigApp } from "./big-app";
import { fanOut } from "./fan-out";
import { frameworkFloor } from "./floor";
import { freshness } from "./freshness";
import { machine } from "./machine";
import { largestContentfulPaint, launchChromium, pageWeight } from "./page-perf";
import { details, table, targets, type Figures, type Outcome } from "./report";
import { refusalFlood } from "./refusal-flood";
import { resetOverhead } from "./reset-overhead";
import { rowFlood } from "./row-flood";
import { seedTrail } from "./seed-trail";
import { log } from "./stats";
import { streamCapacity } from "./stream-capacity";

// `npm run bench` (bench/run.sh builds the production app first). Every figure is measured in
// this one run, side by side, against the production build on this machine; everything binds to
// 127.0.0.1 and every loop is bounded by a count and a time budget. Writes bench/results.json and
// bench/results.md and prints the table.

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const CFG = {
  resetRounds: num("BENCH_RESET_ROUNDS", 100),
  fanOutWindowMs: num("BENCH_FANOUT_WINDOW_MS", 30_000),
  streams: num("BENCH_STREAMS", 5000),
  holdMs: num("BENCH_HOLD_MS", 60_000),
  freshnessSamples: num("BENCH_FRESHNESS_SAMPLES", 20),
  lcpLoads: num("BENCH_LCP_LOADS", 5),
  rowFloodSeconds: num("BENCH_ROW_FLOOD_SECONDS", 60),
  bigAccounts: num("BENCH_BIG_ACCOUNTS", 50),
  bigUnderlyings: num("BENCH_BIG_UNDERLYINGS", 20),
  trailRows: num("BENCH_TRAIL_ROWS", 1_000_000),
  auditSteadyMs: num("BENCH_AUDIT_STEADY_MS", 30_000),
  floodMs: num("BENCH_FLOOD_MS", 60_000),
  floodBaselineMs: num("BENCH_FLOOD_BASELINE_MS", 45_000),
};
/** The standard app polls every second (as the integration tests do). */
const POLL_MS = 1000;
/** The 1,000-row app polls every 10 s: 50 Binance accounts × 20 underlyings is 1,000 signed
 * calls per round, which at 2 s would exceed Binance's per-IP request weight. */
const BIG_POLL_MS = 10_000;
const HARD_LIMIT_MS = 22 * 60_000;
/** BENCH_ONLY=resetOverhead,lcp runs just those figures (for working on one; not a full run). */
const ONLY = new Set((process.env.BENCH_ONLY ?? "").split(",").filter(Boolean));
const wanted = (name: string) => ONLY.size === 0 || ONLY.has(name);

const started = Date.now();
const apps = new Set<AppUnderTest>();
const freshnessFigures: NonNullable<Figures["freshness"]> = {};
const figures: Figures = { freshness: freshnessFigures };
const timings: Record<string, number> = {};

async function measure<T>(name: string, fn: () => Promise<T>): Promise<Outcome<T> | undefined> {
  if (!wanted(name)) return undefined;
  const t0 = Date.now();
  log(`${name} …`);
  try {
    return await fn();
  } catch (err) {
    log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { error: err instanceof Error ? err.message : String(err) };
  } finally {
    timings[name] = Math.round((Date.now() - t0) / 100) / 10;
  }
}

async function start<T extends AppUnderTest>(make: () => Promise<T>): Promise<T> {
  const app = await make();
  apps.add(app);
  return app;
}

async function stop(app: AppUnderTest): Promise<void> {
  apps.delete(app);
  await app.stop();
}

async function stopAll(): Promise<void> {
  await Promise.allSettled([...apps].map((a) => stop(a)));
}

function write(): void {
  const m = machineInfo;
  const t = targets(figures);
  const totalSeconds = (Date.now() - started) / 1000;
  const text = table(m, figures, t, totalSeconds);
  const dir = import.meta.dirname;
  writeFileSync(
    join(dir, "results.json"),
    JSON.stringify(
      {
        machine: m,
        config: { ...CFG, pollIntervalMs: POLL_MS, bigPollIntervalMs: BIG_POLL_MS },
        timingsSeconds: timings,
        figures,
        targets: t,
      },
      null,
      2,
    ) + "\n",
  );
  writeFileSync(join(dir, "results.md"), `${text}\n\n${details(figures)}\n`);
  console.log(`\n${text}\n\n${details(figures)}\n`);
}

const machineInfo = machine();

async function main(): Promise<void> {
  const hard = setTimeout(() => {
    log(`hard limit of ${HARD_LIMIT_MS / 60_000} min reached: writing partial results`);
    write();
    void stopAll().finally(() => process.exit(2));
  }, HARD_LIMIT_MS);
  hard.unref();

  if (wanted("floor")) {
    const browser = await launchChromium().catch(() => null);
    figures.floor = await measure("floor", () => frameworkFloor(browser));
    await browser?.close();
  }
  const onStandard = [
    "resetOverhead",
    "freshness.poll",
    "fanOut",
    "streamCapacity",
    "refusalFlood",
  ];
  if (onStandard.some(wanted)) await standardApp();
  await measureLongTrail();
  if (["pageWeight", "lcp", "rowFlood", "freshness.push"].some(wanted)) await bigDesk();
  clearTimeout(hard);
  write();
}

/** The standard app: fixture accounts (Binance, Bybit, OKX, Deribit), polling every second. */
async function standardApp(): Promise<void> {
  // The stream figures hold up to BENCH_STREAMS streams of six users from one address: far above
  // the default stream caps (20 per user, 50 per address), which are not what is measured here.
  const a = await start(() =>
    startAppUnderTest({
      env: {
        MMP_POLL_INTERVAL_MS: String(POLL_MS),
        MMP_STREAMS_PER_USER: "100000",
        MMP_STREAMS_PER_ADDRESS: "100000",
      },
    }),
  );
  log(`app ${a.url} (pid ${a.pid}), simulator ${a.sim.url}`);
  figures.resetOverhead = await measure("resetOverhead", () =>
    resetOverhead(a, { rounds: CFG.resetRounds, warmup: 5, budgetMs: 150_000 }),
  );
  freshnessFigures.poll = await measure("freshness.poll", () =>
    freshness(a, {
      accountId: "bb-main",
      apiKey: fixtureAccount("bb-main").apiKey,
      scope: "ETH",
      path: "poll",
      read: { path: "/v5/account/mmp-state", query: "baseCoin=ETH" },
      pollIntervalMs: POLL_MS,
      samples: CFG.freshnessSamples,
      budgetMs: 60_000,
    }),
  );
  figures.fanOut = await measure("fanOut", () =>
    fanOut(a, { windowMs: CFG.fanOutWindowMs, pollIntervalMs: POLL_MS }),
  );
  figures.streamCapacity = await measure("streamCapacity", () =>
    streamCapacity(a, { clients: CFG.streams, holdMs: CFG.holdMs, openBudgetMs: 180_000 }),
  );
  figures.refusalFlood = await measure("refusalFlood", () =>
    refusalFlood(a, { baselineMs: CFG.floodBaselineMs, floodMs: CFG.floodMs }),
  );
  await stop(a);
}

/** The long trail: the standard app on a database seeded with a million audit rows. */
async function measureLongTrail(): Promise<void> {
  figures.auditLoad = await measure("auditLoad", async () => {
    const sqlitePath = join(mkdtempSync(join(tmpdir(), "mmp-bench-trail-")), "mmp.sqlite");
    await seedTrail(sqlitePath, { rows: CFG.trailRows, days: 90 });
    const appStartedAt = Date.now();
    const t = await start(() =>
      startAppUnderTest({ sqlitePath, env: { MMP_POLL_INTERVAL_MS: String(POLL_MS) } }),
    );
    try {
      return await auditLoad(t, {
        trailRows: CFG.trailRows,
        steadyMs: CFG.auditSteadyMs,
        maxStartupMs: 240_000,
        appStartedAt,
      });
    } finally {
      await stop(t);
    }
  });
}

/** The big desk: ~1,000 rows, plus the fixture Deribit account for the push path. */
async function bigDesk(): Promise<void> {
  const b = await start(() =>
    startBigApp({
      accounts: CFG.bigAccounts,
      underlyings: CFG.bigUnderlyings,
      env: { MMP_POLL_INTERVAL_MS: String(BIG_POLL_MS) },
    }),
  );
  log(`big app ${b.url} (pid ${b.pid}) with ${b.rows} rows`);
  const browser = await launchChromium().catch((err: unknown) => {
    log(`no Chromium: ${String(err)}`);
    return null;
  });
  if (browser) {
    figures.pageWeight = await measure("pageWeight", async () => ({
      home: await pageWeight(browser, b.url, "/", "viewer1"),
      screen: await pageWeight(browser, b.url, "/screen", "screen1"),
    }));
    figures.lcp = await measure("lcp", () =>
      largestContentfulPaint(browser, b.url, b.rows, CFG.lcpLoads),
    );
    figures.rowFlood = await measure("rowFlood", () =>
      rowFlood(browser, b.url, { seconds: CFG.rowFloodSeconds }),
    );
    await browser.close();
  } else {
    figures.pageWeight = { error: "Chromium could not be launched" };
    figures.lcp = { error: "Chromium could not be launched" };
    figures.rowFlood = { error: "Chromium could not be launched" };
  }
  freshnessFigures.push = await measure("freshness.push", () =>
    freshness(b, {
      accountId: DERIBIT_ACCOUNT,
      apiKey: fixtureAccount(DERIBIT_ACCOUNT).apiKey,
      scope: "eth_usd",
      path: "push",
      pollIntervalMs: BIG_POLL_MS,
      samples: CFG.freshnessSamples,
      budgetMs: 45_000,
    }),
  );
  await stop(b);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void stopAll().finally(() => process.exit(130));
  });
}

main()
  .catch(async (err: unknown) => {
    log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    write();
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    process.exit();
  });
