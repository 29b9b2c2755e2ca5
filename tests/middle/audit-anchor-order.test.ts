import { execFileSync } from "node:child_process";
import { createReadStream, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useFixtureAuditKey } from "../support/audit-tamper";
import { tempSqlitePath } from "../support/databases";
import { waitFor } from "../support/wait";
import type { AuditEntry } from "@/lib/audit/append";
import type { Db } from "@/lib/db/client";

// When an append returns, relative to its anchor (lib/audit/append.ts): by default once the new
// head is in the anchor file; with `anchor: "follow"` (a reset's `requested`, so that the venue
// call runs while the anchor is written) once the row is committed, with the anchor landing after
// it; the next awaited append still returns only once the file holds its own head.

beforeAll(() => useFixtureAuditKey());

const entry = (outcome: AuditEntry["outcome"]): AuditEntry => ({
  actor: "trader1",
  role: "trader",
  action: "mmp.reset",
  outcome,
  accountId: "bb-main",
  scope: "BTC",
  idempotencyKey: "anchor-order-1",
});

async function freshTrail() {
  const { openDb } = await import("@/lib/db/client");
  const { migrateToLatest } = await import("@/lib/db/migrate");
  const sqlitePath = tempSqlitePath();
  const handle: Db = openDb({ MMP_SQLITE_PATH: sqlitePath });
  await migrateToLatest(handle.db, handle.dialect);
  // With MMP_AUDIT_ANCHOR_PATH unset, the file sits next to the SQLite file.
  const anchorFile = join(dirname(sqlitePath), "audit-anchor.log");
  const anchoredSeqs = (): number[] => {
    let text = "";
    try {
      text = readFileSync(anchorFile, "utf8");
    } catch {
      return [];
    }
    return seqsIn(text);
  };
  return { handle, anchoredSeqs, anchorFile };
}

const seqsIn = (text: string): number[] =>
  text
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { seq: number }).seq);

const outcomeAt = async (handle: Db, seq: number): Promise<string | undefined> =>
  (
    await handle.db
      .selectFrom("audit_log")
      .select("outcome")
      .where("seq", "=", seq)
      .executeTakeFirst()
  )?.outcome;

describe("an audit append and its anchor", () => {
  it("by default, the append returns once its head is anchored", async () => {
    const { appendAudit } = await import("@/lib/audit/append");
    const { handle, anchoredSeqs } = await freshTrail();
    const row = await appendAudit(entry("requested"), handle);
    expect(Math.max(0, ...anchoredSeqs())).toBe(row.seq);
  });

  // The anchor file is a named pipe nobody reads yet: writing an anchor cannot finish (opening a
  // pipe for writing waits for a reader), so what waits for its anchor and what does not shows.
  it("with anchor 'follow', it returns once committed; an awaited append waits for the file", async () => {
    const { appendAudit } = await import("@/lib/audit/append");
    const { handle, anchorFile } = await freshTrail();
    execFileSync("mkfifo", [anchorFile]);
    const requested = await appendAudit(entry("requested"), handle, { anchor: "follow" });
    expect(await outcomeAt(handle, requested.seq)).toBe("requested");

    let settled = false;
    const awaited = appendAudit(entry("ok"), handle).then((row) => {
      settled = true;
      return row;
    });
    // Committed, but not returned: its anchor cannot be written.
    await waitFor(async () => (await outcomeAt(handle, requested.seq + 1)) === "ok", 5000, 10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);

    // A reader: the anchors flow (a pipe cannot be fsync'd, which anchorHead logs), and the
    // append returns with its head among them, after the one that followed.
    const reader = createReadStream(anchorFile, { encoding: "utf8" });
    let text = "";
    reader.on("data", (chunk) => (text += String(chunk)));
    try {
      const ok = await awaited;
      await waitFor(() => seqsIn(text).includes(ok.seq), 5000, 10);
      const seqs = seqsIn(text);
      expect(seqs.indexOf(ok.seq)).toBeGreaterThanOrEqual(0);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    } finally {
      reader.destroy();
    }
  });
});
