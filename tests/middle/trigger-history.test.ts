import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import { openDb } from "@/lib/db/client";
import { migrateToLatest } from "@/lib/db/migrate";
import type { Database } from "@/lib/db/schema";
import type { MmpRow } from "@/lib/model/types";
import {
  recordFreeze,
  recordResetTookEffect,
  recordUnfreeze,
  rowHistory,
} from "@/lib/live/trigger-history";
import { createPgDatabase, tempSqlitePath, type TempPg } from "../support/databases";

// How a freeze ended, on both databases: a reset through the desk is recorded as a fact on the
// freeze (not found by reading audit messages), whichever of "the reset took effect" and "the
// row was seen ACTIVE" is written first.

const T = Date.UTC(2025, 0, 1, 12);
let n = 0;

function frozenRow(frozenUntil: number | null = null): MmpRow {
  n += 1;
  return {
    id: `acct/S${n}`,
    accountId: "acct",
    accountLabel: "Account",
    venue: "binance",
    scope: `S${n}`,
    status: "frozen",
    frozenUntil,
    windowMs: 5000,
    frozenPeriodMs: 60_000,
    qtyLimit: null,
    deltaLimit: null,
    vegaLimit: null,
    lastTriggerAt: T,
    fetchedAt: T,
    problem: null,
  };
}

describe.each(["sqlite", "postgres"] as const)("trigger history on %s", (dialect) => {
  let db: Kysely<Database>;
  let pgdb: TempPg | null = null;
  const ended = async (rowId: string) => {
    const [event] = await rowHistory(rowId, 1, db);
    return { endedBy: event?.endedBy, resetBy: event?.resetBy, endedAt: event?.endedAt };
  };

  beforeAll(async () => {
    if (dialect === "postgres") pgdb = await createPgDatabase();
    const handle = openDb(
      pgdb
        ? { DATABASE_URL: pgdb.url }
        : { DATABASE_URL: undefined, MMP_SQLITE_PATH: tempSqlitePath() },
    );
    await migrateToLatest(handle.db, handle.dialect);
    db = handle.db;
  });
  afterAll(async () => {
    await db?.destroy();
    await pgdb?.drop();
  });

  it("a reset that took effect, then the row seen ACTIVE: ended by the reset, naming the user", async () => {
    const row = frozenRow();
    expect(await recordFreeze(row, T, db)).toBe(true);
    await recordResetTookEffect(
      { rowId: row.id, user: "trader1", seenFrozenAt: T + 1000, at: T + 2000 },
      db,
    );
    await recordUnfreeze(row.id, T + 2500, db);
    expect(await ended(row.id)).toEqual({
      endedBy: "reset",
      resetBy: "trader1",
      endedAt: T + 2500,
    });
  });

  it("the row seen ACTIVE first (the store announced the re-read), then the reset: corrected to the reset", async () => {
    const row = frozenRow();
    await recordFreeze(row, T, db);
    await recordUnfreeze(row.id, T + 2500, db);
    expect((await ended(row.id)).endedBy).toBe("cleared");
    await recordResetTookEffect(
      { rowId: row.id, user: "trader2", seenFrozenAt: T + 1000, at: T + 2600 },
      db,
    );
    expect(await ended(row.id)).toEqual({
      endedBy: "reset",
      resetBy: "trader2",
      endedAt: T + 2500,
    });
  });

  it("a freeze that ended before the row was last seen frozen is not the reset's", async () => {
    const row = frozenRow();
    await recordFreeze(row, T, db);
    await recordUnfreeze(row.id, T + 500, db);
    await recordResetTookEffect(
      { rowId: row.id, user: "trader1", seenFrozenAt: T + 1000, at: T + 2000 },
      db,
    );
    expect(await ended(row.id)).toEqual({ endedBy: "cleared", resetBy: null, endedAt: T + 500 });
  });

  it("without a reset: expired when the frozen period ran out, cleared otherwise", async () => {
    const timed = frozenRow(T + 10_000);
    await recordFreeze(timed, T, db);
    await recordUnfreeze(timed.id, T + 10_000, db);
    expect((await ended(timed.id)).endedBy).toBe("expired");
    const manual = frozenRow(null);
    await recordFreeze(manual, T, db);
    await recordUnfreeze(manual.id, T + 10_000, db);
    expect(await ended(manual.id)).toEqual({
      endedBy: "cleared",
      resetBy: null,
      endedAt: T + 10_000,
    });
  });

  it("a reset more than a minute before the row is seen ACTIVE is not what ended it", async () => {
    const row = frozenRow(T + 120_000);
    await recordFreeze(row, T, db);
    await recordResetTookEffect(
      { rowId: row.id, user: "trader1", seenFrozenAt: T, at: T + 1000 },
      db,
    );
    await recordUnfreeze(row.id, T + 120_000, db);
    expect(await ended(row.id)).toEqual({
      endedBy: "expired",
      resetBy: null,
      endedAt: T + 120_000,
    });
  });

  it("a freeze already open is not opened twice", async () => {
    const row = frozenRow();
    expect(await recordFreeze(row, T, db)).toBe(true);
    expect(await recordFreeze(row, T + 1, db)).toBe(false);
    expect(await rowHistory(row.id, 10, db)).toHaveLength(1);
  });
});
