import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteDb } from "@/lib/db/client";
import { awaitFsync, deferFsync } from "@/lib/db/durability";
import { openSqliteFile, type SqliteFile } from "@/lib/db/sqlite";
import { waitFor } from "../support/wait";
import { newKey, startResetBench, type ResetBench } from "./reset-bench";

// Which of a reset's commits wait for the disk (lib/db/durability.ts): every audit row's, so that
// `requested` is on disk before the venue is called and `ok` before the answer; the bookkeeping
// (idempotency key, row lock, ledger) rides on those fsyncs instead of paying its own. Watched
// statement by statement on the real SQLite file, with the synchronous level each ran at.

interface Ran {
  sql: string;
  level: string;
}

/** The file, with every statement recorded together with the synchronous level it ran at. */
function watched(file: SqliteFile, ran: Ran[]): SqliteFile {
  let level = "DEFAULT";
  return {
    exec(sql) {
      const set = /PRAGMA synchronous = (\w+)/i.exec(sql);
      if (set) level = set[1]!.toUpperCase();
      file.exec(sql);
    },
    close: () => file.close(),
    prepare(sql) {
      const stmt = file.prepare(sql);
      const note = () => ran.push({ sql: sql.trim().toLowerCase(), level });
      return {
        reader: stmt.reader,
        all: (params) => (note(), stmt.all(params)),
        run: (params) => (note(), stmt.run(params)),
        iterate: (params) => (note(), stmt.iterate(params)),
      };
    },
  };
}

/** Statements that change one of these tables (insert, update, delete). */
const writesTo = (ran: Ran[], table: string) =>
  ran.filter((r) => /^(insert|update|delete)/.test(r.sql) && r.sql.includes(`"${table}"`));

let bench: ResetBench;
const ran: Ran[] = [];

beforeAll(async () => {
  bench = await startResetBench({}, (path) => sqliteDb(watched(openSqliteFile(path), ran)));
});
afterAll(() => bench?.close());

describe("a reset's commits and the disk", () => {
  it("audit rows commit with FULL; key, lock and ledger with NORMAL; the file is back at FULL", async () => {
    await bench.restore();
    ran.length = 0;
    const res = await bench.post({
      accountId: "bn-main",
      scope: "BTCUSDT",
      idempotencyKey: newKey(),
    });
    expect(res.status).toBe(200);
    await waitFor(async () => writesTo(ran, "audit_log").length >= 3, 3000); // + `observed`

    // Each audit append is one transaction: its insert, then a commit at FULL.
    const commits = ran.filter((r) => r.sql === "commit");
    expect(commits.length).toBeGreaterThanOrEqual(3);
    for (const c of commits) expect(c.level).toBe("FULL");
    for (const w of writesTo(ran, "audit_log")) expect(w.level).toBe("FULL");

    // The bookkeeping: idempotency key and its answer, row lock taken and released, the attempt
    // opened and closed, the row's reset time — none pays an fsync of its own.
    const bookkeeping = {
      reset_idempotency: writesTo(ran, "reset_idempotency"),
      row_lock: writesTo(ran, "row_lock"),
      reset_open: writesTo(ran, "reset_open"),
      row_reset: writesTo(ran, "row_reset"),
    };
    expect(bookkeeping.reset_idempotency.length).toBeGreaterThanOrEqual(2);
    expect(bookkeeping.row_lock).toHaveLength(2);
    expect(bookkeeping.reset_open).toHaveLength(2);
    expect(bookkeeping.row_reset.length).toBeGreaterThanOrEqual(1);
    for (const writes of Object.values(bookkeeping))
      for (const w of writes) expect(w.level, w.sql).toBe("NORMAL");

    // Between statements the file is at FULL: anything else written meanwhile waits for the disk.
    const untouched = ran.filter((r) => !/^(insert|update|delete|begin|commit)/.test(r.sql));
    expect(untouched.every((r) => r.level === "FULL")).toBe(true);
  });

  it("an audit append asked for inside deferFsync still waits for the disk", async () => {
    ran.length = 0;
    const { appendAudit } = await import("@/lib/audit/append");
    await deferFsync(() =>
      appendAudit({ actor: "t", role: "admin", action: "test", outcome: "denied" }, bench.db),
    );
    expect(ran.filter((r) => r.sql === "commit").map((r) => r.level)).toEqual(["FULL"]);
    ran.length = 0;
    await deferFsync(() =>
      awaitFsync(() => bench.db.db.deleteFrom("row_lock").where("row_id", "=", "none").execute()),
    );
    expect(writesTo(ran, "row_lock").map((r) => r.level)).toEqual(["FULL"]);
  });
});
