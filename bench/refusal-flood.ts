import { randomUUID } from "node:crypto";
import { openDb } from "@/lib/db/client";
import type { AppUnderTest } from "../tests/support/app-server";
import { fixtureAccount } from "../tests/support/fixtures";
import { signIn } from "../tests/support/session";
import { simControl } from "../tests/support/sim-client";
import { resetViaApi } from "./api";
import { watchDesk } from "./desk-watch";
import { log, round, summarise, type Summary } from "./stats";

// Issue 12's flood figure: a viewer (no reset permission) sends reset requests back to back from
// two loops for `floodMs`, while a trader resets a frozen OKX row over and over. Compares the
// trader's reset latency before the flood and during it, and counts the audit rows the flood
// added (refusals are coalesced per user per minute: lib/http/denied.ts).

const ACCOUNT = process.env.BENCH_FLOOD_ACCOUNT ?? "okx-main";
const SCOPE = process.env.BENCH_FLOOD_SCOPE ?? "ETH-USD";
const FLOOD_LOOPS = 2;
/** Resets of one row at most this often: closer, they wait for the venue's rate budget (the
 * guard holds a reset until a token is free), and that wait, not the flood, would be measured. */
const RESET_SPACING_MS = 2500;

export interface RefusalFlood {
  floodSeconds: number;
  refusedRequests: number;
  refusedPerSecond: number;
  /** Any answer to the flood other than 403. */
  unexpected: Record<string, number>;
  auditRowsAdded: number;
  auditRowsPerMinute: number;
  traderBefore: Summary;
  traderDuring: Summary;
  /** traderDuring.p50 / traderBefore.p50. */
  p50Ratio: number;
}

/** A trader's resets of one row for `ms`: freeze it at the venue, wait until the app has read it
 * FROZEN (untimed), reset it through the API (timed). */
async function traderResets(app: AppUnderTest, cookie: string, ms: number): Promise<number[]> {
  const ctl = simControl(app.sim.url);
  const { apiKey } = fixtureAccount(ACCOUNT);
  const watch = await watchDesk(app.url, cookie, [ACCOUNT]);
  const samples: number[] = [];
  const end = Date.now() + ms;
  try {
    let last = 0;
    while (Date.now() < end) {
      const wait = last + RESET_SPACING_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const frozeAt = Date.now();
      await ctl.freeze(apiKey, SCOPE);
      const seen = await watch.waitRow(
        `${ACCOUNT}/${SCOPE}`,
        (r) => r.status === "frozen" && (r.fetchedAt ?? 0) >= frozeAt && r.problem === null,
        5000,
      );
      if (!seen) continue;
      last = Date.now();
      const r = await resetViaApi(app.url, cookie, ACCOUNT, SCOPE);
      if (r.status === 200) samples.push(r.ms);
      if (process.env.BENCH_DEBUG)
        log(
          `reset ${r.status} ${r.body.error?.code ?? ""} ${r.ms.toFixed(0)} ms, venue ${String(r.body.latencyMs)}`,
        );
    }
  } finally {
    watch.close();
  }
  return samples;
}

export async function refusalFlood(
  app: AppUnderTest,
  opts: { baselineMs: number; floodMs: number },
): Promise<RefusalFlood> {
  const trader = await signIn(app.url, "trader4");
  const viewer = await signIn(app.url, "viewer1");
  log("refusal flood: trader baseline");
  const before = await traderResets(app, trader, opts.baselineMs);

  const { db } = openDb({ MMP_SQLITE_PATH: app.sqlitePath, DATABASE_URL: undefined });
  const viewerRows = async () =>
    Number(
      (
        await db
          .selectFrom("audit_log")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("actor", "=", "viewer1")
          .executeTakeFirstOrThrow()
      ).n,
    );
  const rowsBefore = await viewerRows();
  log("refusal flood: flooding");
  let stop = false;
  let refused = 0;
  const unexpected: Record<string, number> = {};
  const flood = async () => {
    while (!stop) {
      const res = await fetch(`${app.url}/api/mmp/reset`, {
        method: "POST",
        headers: { cookie: viewer, origin: app.url, "content-type": "application/json" },
        body: JSON.stringify({ accountId: ACCOUNT, scope: SCOPE, idempotencyKey: randomUUID() }),
      });
      await res.arrayBuffer();
      if (res.status === 403) refused += 1;
      else unexpected[String(res.status)] = (unexpected[String(res.status)] ?? 0) + 1;
    }
  };
  const started = Date.now();
  const loops = Array.from({ length: FLOOD_LOOPS }, () => flood());
  const during = await traderResets(app, trader, opts.floodMs);
  stop = true;
  await Promise.all(loops);
  const seconds = (Date.now() - started) / 1000;
  const added = (await viewerRows()) - rowsBefore;
  await db.destroy();
  const b = summarise(before);
  const d = summarise(during);
  return {
    floodSeconds: round(seconds, 1),
    refusedRequests: refused,
    refusedPerSecond: round(refused / seconds, 1),
    unexpected,
    auditRowsAdded: added,
    auditRowsPerMinute: round(added / (seconds / 60), 1),
    traderBefore: b,
    traderDuring: d,
    p50Ratio: round(d.p50 / b.p50, 3),
  };
}
