import type { AppUnderTest } from "../tests/support/app-server";
import { signIn } from "../tests/support/session";
import type { ChainVerdict } from "@/lib/model/audit";
import { startDeskPoller } from "./desk-poller";
import { log, round, summarise, type Summary } from "./stats";

// Issue 12's load figure: GET /api/audit and GET /api/mmp on an app whose trail holds a million
// rows (bench/seed-trail.ts), while three audit readers run in parallel, each cycling through the
// filters a risk manager uses, and one desk client reads /api/mmp every 50 ms (from a worker
// thread, bench/desk-poller.ts, so its figure is the server's and not this process's queue).
//
// A reader is a person on the audit page: a request, then a second reading it (THINK_MS) before
// the next filter. That is the figure the target is about. The same readers without pause
// (closed loops, each starting its next request the moment the last one ends) are reported
// beside it as a stress figure: they keep the server's one event loop busy whatever it does, so
// /api/mmp then waits behind them (README "Performance" says by how much).
//
// Measured while the start-up verification of the whole chain runs (it reads every row once, in
// chunks), and after it, which is how the app spends its day.

const FILTERS = [
  "",
  "actor=trader2",
  "outcome=denied",
  "account=bb-main&scope=BTC",
  "actor=viewer1&outcome=denied",
  "actor=nobody-at-all",
];
const READERS = ["viewer1", "trader2", "admin1"];
const DESK_EVERY_MS = 50;
const THINK_MS = 1000;

export interface AuditPhase {
  seconds: number;
  audit: Summary;
  auditByFilter: Record<string, Summary>;
  mmp: Summary;
  errors: number;
}

export interface AuditLoad {
  trailRows: number;
  /** From the app's start until the background verifier's first verdict on the whole chain. */
  startupVerificationSeconds: number | null;
  verdictOk: boolean | null;
  duringStartupVerification: AuditPhase | null;
  steady: AuditPhase;
  /** The readers without pause (closed loops). */
  stress: AuditPhase;
}

const from24h = () => `from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`;

async function timed(url: string, cookie: string): Promise<{ ms: number; ok: boolean }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  await res.arrayBuffer();
  return { ms: performance.now() - t0, ok: res.ok };
}

async function verdict(appUrl: string, cookie: string): Promise<ChainVerdict> {
  const res = await fetch(`${appUrl}/api/audit?limit=1`, { headers: { cookie } });
  return ((await res.json()) as { verdict: ChainVerdict }).verdict;
}

/** Runs the readers and the desk client until `until()` says stop (or `maxMs` passes). */
async function phase(
  app: AppUnderTest,
  cookies: { readers: string[]; desk: string },
  until: () => Promise<boolean>,
  maxMs: number,
  thinkMs = THINK_MS,
): Promise<AuditPhase> {
  const audit: number[] = [];
  const byFilter = new Map<string, number[]>();
  const mmp: number[] = [];
  let errors = 0;
  let stop = false;
  const started = Date.now();
  const reader = async (cookie: string, offset: number) => {
    for (let i = offset; !stop; i += 1) {
      const filter = i % 7 === 6 ? from24h() : FILTERS[i % 7]!;
      const r = await timed(`${app.url}/api/audit?${filter}`, cookie);
      if (!r.ok) errors += 1;
      audit.push(r.ms);
      const name = filter.startsWith("from=") ? "from=<24 h ago>" : filter || "(none)";
      const list = byFilter.get(name) ?? [];
      list.push(r.ms);
      byFilter.set(name, list);
      if (thinkMs > 0) await new Promise((res) => setTimeout(res, thinkMs));
    }
  };
  const desk = startDeskPoller(`${app.url}/api/mmp`, cookies.desk, DESK_EVERY_MS);
  const loops = cookies.readers.map((c, i) => reader(c, i * 2));
  while (!stop) {
    await new Promise((r) => setTimeout(r, 1000));
    stop = Date.now() - started >= maxMs || (await until());
  }
  await Promise.all(loops);
  const polled = await desk.stop();
  mmp.push(...polled.ms);
  errors += polled.errors;
  return {
    seconds: round((Date.now() - started) / 1000, 1),
    audit: summarise(audit),
    auditByFilter: Object.fromEntries([...byFilter].map(([k, v]) => [k, summarise(v)])),
    mmp: summarise(mmp),
    errors,
  };
}

export async function auditLoad(
  app: AppUnderTest,
  opts: { trailRows: number; steadyMs: number; maxStartupMs: number; appStartedAt: number },
): Promise<AuditLoad> {
  const readers = await Promise.all(READERS.map((u) => signIn(app.url, u)));
  const desk = await signIn(app.url, "trader3");
  const cookies = { readers, desk };
  const verified = async () => (await verdict(app.url, desk)).checkedAt !== null;
  let duringStartupVerification: AuditPhase | null = null;
  if (!(await verified())) {
    log("audit load: measuring while the start-up verification runs");
    duringStartupVerification = await phase(app, cookies, verified, opts.maxStartupMs);
  }
  const first = await verdict(app.url, desk);
  const startupVerificationSeconds =
    first.checkedAt === null
      ? null
      : round((Date.parse(first.checkedAt) - opts.appStartedAt) / 1000, 1);
  log(`audit load: verdict ${first.ok ? "ok" : "NOT ok"}, ${first.rows} rows; steady phase`);
  const steady = await phase(app, cookies, () => Promise.resolve(false), opts.steadyMs);
  log("audit load: stress phase (readers without pause)");
  const stress = await phase(app, cookies, () => Promise.resolve(false), opts.steadyMs / 2, 0);
  return {
    trailRows: opts.trailRows,
    startupVerificationSeconds,
    verdictOk: first.checkedAt === null ? null : first.ok,
    duringStartupVerification,
    steady,
    stress,
  };
}
