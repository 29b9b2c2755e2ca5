import { sql } from "kysely";
import { describe, expect, it } from "vitest";

// The audit trail's guarantees, run once per database (SQLite and PostgreSQL files call it after
// pointing the environment at their database).

export function auditChainSuite(dialect: "sqlite" | "postgres") {
  describe(`audit chain on ${dialect}`, () => {
    it("100 concurrent appends from 10 users leave one unforked chain that verifies", async () => {
      const { appendAudit } = await import("@/lib/audit/append");
      const { verifyChain } = await import("@/lib/audit/verify");
      const { getDb } = await import("@/lib/db/client");
      const rows = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          appendAudit({
            actor: `user${i % 10}`,
            role: "trader",
            action: "mmp.reset",
            outcome: "requested",
            accountId: "acc",
            scope: `S${i}`,
          }),
        ),
      );
      expect(new Set(rows.map((r) => r.seq)).size).toBe(100);
      const handle = await getDb();
      const { db, dialect: used } = handle;
      expect(used).toBe(dialect);
      const verdict = await verifyChain(handle);
      expect(verdict).toMatchObject({ ok: true, rows: 100, firstBad: null });
      expect(verdict.head?.seq).toBe(100);
      const all = await db
        .selectFrom("audit_log")
        .select(["seq", "prev_hash", "hash"])
        .orderBy("seq")
        .execute();
      all.forEach((r, i) => {
        if (i > 0) expect(r.prev_hash).toBe(all[i - 1]!.hash);
      });
    });

    it("refuses UPDATE and DELETE on the trail", async () => {
      const { getDb } = await import("@/lib/db/client");
      const { db } = await getDb();
      await expect(
        db.updateTable("audit_log").set({ actor: "mallory" }).where("seq", "=", 3).execute(),
      ).rejects.toThrow(/append-only/);
      await expect(db.deleteFrom("audit_log").where("seq", "=", 3).execute()).rejects.toThrow(
        /append-only/,
      );
    });

    it("stores user-supplied text safely (no line breaks reach a log line)", async () => {
      const { appendAudit } = await import("@/lib/audit/append");
      const row = await appendAudit({
        actor: "eve\nFAKE ok row",
        role: "trader",
        action: "mmp.reset",
        outcome: "denied",
        scope: "X\r\n=cmd|' /C calc'!A0",
      });
      expect(row.actor).toBe("eve\\u000aFAKE ok row");
      expect(row.scope).not.toMatch(/[\r\n]/);
    });

    it("an edited row is named by the verifier, even when the attacker drops the triggers", async () => {
      const { getDb } = await import("@/lib/db/client");
      const { verifyChain } = await import("@/lib/audit/verify");
      const handle = await getDb();
      const { db } = handle;
      if (dialect === "sqlite") await sql`DROP TRIGGER audit_log_no_update`.execute(db);
      else await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(db);
      await db.updateTable("audit_log").set({ outcome: "ok" }).where("seq", "=", 42).execute();
      const verdict = await verifyChain(handle);
      expect(verdict.ok).toBe(false);
      expect(verdict.firstBad).toEqual({ seq: 42, reason: expect.stringMatching(/edited/) });
    });

    it("a deleted row is detected at the gap", async () => {
      const { getDb } = await import("@/lib/db/client");
      const { verifyChain } = await import("@/lib/audit/verify");
      const handle = await getDb();
      const { db } = handle;
      await db
        .updateTable("audit_log")
        .set({ outcome: "requested" })
        .where("seq", "=", 42)
        .execute();
      expect((await verifyChain(handle)).ok).toBe(true);
      if (dialect === "sqlite") await sql`DROP TRIGGER audit_log_no_delete`.execute(db);
      await db.deleteFrom("audit_log").where("seq", "=", 7).execute();
      expect((await verifyChain(handle)).firstBad?.seq).toBe(8);
    });
  });
}
