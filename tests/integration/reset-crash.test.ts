import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import type { ResetResult } from "@/lib/model/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { createPgDatabase, type TempPg } from "../support/databases";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";
import { waitFor } from "../support/wait";

// Crash reconciliation (issue 12, point 5), through the production build. The venue applies the
// reset and never answers; the app is killed (SIGKILL) while it waits for that answer, and
// started again on the same database. Within 10 s of the restart the attempt has `unknown` and
// `resolved` rows, a retry with the same idempotency key gets that outcome, the row is free to be
// reset again, and the venue saw exactly one reset. On SQLite and on PostgreSQL.

// Bybit, whose state has a frozen flag, so a re-read shows whether the reset took effect (a
// Binance re-read cannot: README, venue notes).
const ROW = { accountId: "bb-main", scope: "BTC" };
const RESET_PATH = "/v5/account/mmp-reset";

interface Store {
  name: string;
  open(): Promise<{ databaseUrl?: string; close: () => Promise<void> }>;
}

const STORES: Store[] = [
  { name: "SQLite", open: () => Promise.resolve({ close: () => Promise.resolve() }) },
  {
    name: "PostgreSQL",
    open: async () => {
      const pg: TempPg = await createPgDatabase();
      return { databaseUrl: pg.url, close: pg.drop };
    },
  },
];

describe.each(STORES)("kill -9 while the venue's answer is outstanding ($name)", (store) => {
  let app: AppUnderTest;
  let db: Db;
  let closeStore: () => Promise<void>;

  beforeAll(async () => {
    const { databaseUrl, close } = await store.open();
    closeStore = close;
    // The desk would wait 20 s for the venue: the kill lands well inside that, and the attempt's
    // row lock (28 s) is far from expiring when the restarted app settles it.
    app = await startAppUnderTest({ databaseUrl, env: { MMP_RESET_TIMEOUT_MS: "20000" } });
    db = openDb(databaseUrl ? { DATABASE_URL: databaseUrl } : { MMP_SQLITE_PATH: app.sqlitePath });
  });
  afterAll(async () => {
    await app?.stop();
    await db?.db.destroy();
    await closeStore?.();
  });

  const reset = (cookie: string, idempotencyKey: string) =>
    fetch(`${app.url}/api/mmp/reset`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url, cookie },
      body: JSON.stringify({ ...ROW, idempotencyKey }),
    });
  const auditOf = (key: string) =>
    db.db
      .selectFrom("audit_log")
      .select(["outcome", "actor", "detail", "venue_message"])
      .where("idempotency_key", "=", key)
      .orderBy("seq")
      .execute();

  it("restart: unknown + resolved within 10 s, the key answers the outcome, one reset reached the venue", async () => {
    const ctl = simControl(app.sim.url);
    const cookie = await signIn(app.url, "trader1");
    await waitFor(async () => {
      const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie } });
      const { rows } = (await res.json()) as { rows: { id: string; status: string }[] };
      return rows.find((r) => r.id === `${ROW.accountId}/${ROW.scope}`)?.status === "frozen";
    }, 10_000);
    await ctl.clearLog();
    await ctl.fault({ path: RESET_PATH, kind: "hang", apply: true, times: 1 });

    const key = `crash-${Date.now()}`;
    const first = reset(cookie, key).then(
      (r) => `answered ${r.status}`,
      () => "no answer",
    );
    // The venue has applied it (apply: true runs the endpoint before hanging).
    await waitFor(async () => (await ctl.log({ path: RESET_PATH })).length === 1, 10_000);
    expect((await auditOf(key)).map((r) => r.outcome)).toEqual(["requested"]);
    await app.crash?.();
    expect(await first).toBe("no answer");

    await app.restart?.();
    const restartedAt = Date.now();
    // Resolved, and the key's answer is final (a re-read that failed first answers provisionally
    // until a later pass resolves it: tests/middle/reset-reconcile.test.ts).
    const keyState = async () =>
      (
        await db.db
          .selectFrom("reset_idempotency")
          .select("state")
          .where("key", "=", key)
          .executeTakeFirst()
      )?.state;
    await waitFor(
      async () => (await auditOf(key)).length >= 3 && (await keyState()) === "done",
      10_000,
    );
    console.log(`${store.name}: resolved ${Date.now() - restartedAt} ms after the restart`);
    const rows = await auditOf(key);
    expect(rows.map((r) => r.outcome)).toEqual(["requested", "unknown", "resolved"]);
    expect(rows.every((r) => r.actor === "trader1")).toBe(true);
    expect(rows[1]!.venue_message).toMatch(/stopped before the venue's answer was recorded/);
    expect(rows[2]!.detail).toBe("a re-read shows ACTIVE: the reset took effect");

    // The client retries with the same key: the resolved outcome, at once, as a live unknown
    // outcome is answered (202).
    const started = Date.now();
    const retry = await reset(cookie, key);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(retry.status).toBe(202);
    const body = (await retry.json()) as ResetResult;
    expect(body).toMatchObject({ outcome: "unknown", row: { status: "active" } });
    expect(body.message).toMatch(/a re-read shows ACTIVE: the reset took effect/);

    // The row's lock is released: a new reset is judged on the row's state (ACTIVE now), not
    // refused as "in progress". On a loaded machine the restarted app's first moments can answer
    // a 503 instead (its first reads failing: "cannot confirm the state"; or a rate signal from
    // the venue blocking the key for a moment): right answers, but not what this checks, and
    // they pass. Each try is refused before anything is sent (the venue's log is checked below).
    const answers: { status: number; code: string; message: string }[] = [];
    await waitFor(
      async () => {
        const again = await reset(cookie, `crash-again-${Date.now()}-${answers.length}`);
        const { error } = (await again.json()) as { error: { code: string; message: string } };
        answers.push({ status: again.status, ...error });
        return again.status !== 503;
      },
      15_000,
      250,
    ).catch(() => undefined);
    expect(answers.at(-1), JSON.stringify(answers)).toMatchObject({
      status: 409,
      code: "not_frozen",
    });

    expect(await ctl.log({ path: RESET_PATH })).toHaveLength(1);
    expect((await auditOf(key)).map((r) => r.outcome)).toEqual([
      "requested",
      "unknown",
      "resolved",
    ]);
  });
});
