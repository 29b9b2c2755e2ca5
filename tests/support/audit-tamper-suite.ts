import { afterEach, describe, expect, it, vi } from "vitest";
import { freshTrail, plainRewrite, verifyScript, type Trail } from "./audit-tamper";

// The tampering matrix (issue 12): each way an attacker with database access could hide or alter
// what happened is detected by `npm run verify-audit` — exit 1 and the first bad row named with
// its reason. Every case starts from a fresh trail of 20 rows (10 reset attempts, each anchored),
// run once per database. The test file sets the audit key (useFixtureAuditKey) first.

export function auditTamperSuite(dialect: "sqlite" | "postgres") {
  describe(`tampering with the audit trail on ${dialect}`, () => {
    let trail: Trail | null = null;
    const fresh = async () => (trail = await freshTrail(dialect));
    afterEach(async () => {
      vi.useRealTimers();
      await trail?.close();
      trail = null;
    });

    const expectCaught = async (t: Trail, seq: number, reason: RegExp) => {
      const result = await verifyScript(t.env);
      expect(result.out).toMatch(new RegExp(`^ALTERED: first bad row #${seq}: `, "m"));
      expect(result.out).toMatch(reason);
      expect(result.code).toBe(1);
    };

    it("an untouched trail verifies: exit 0, anchored through its head", async () => {
      const t = await fresh();
      const result = await verifyScript(t.env);
      expect(result.out).toMatch(
        /^OK: 20 rows, chain intact; head #20 [0-9a-f]{64}; anchored through #20/,
      );
      expect(result.code).toBe(0);
    });

    it("an edited row is named", async () => {
      const t = await fresh();
      await t.attack(["UPDATE audit_log SET actor = 'mallory' WHERE seq = 7"]);
      await expectCaught(t, 7, /row content does not match its hash/);
    });

    it("a deleted middle row is named at the gap it leaves", async () => {
      const t = await fresh();
      await t.attack(["DELETE FROM audit_log WHERE seq = 7"]);
      await expectCaught(t, 8, /sequence gap: expected 7, found 8/);
    });

    it("the last 3 rows deleted (a successful reset among them) are named from the anchors", async () => {
      const t = await fresh();
      await t.attack(["DELETE FROM audit_log WHERE seq > 17"]);
      await expectCaught(t, 18, /rows #18–#20 are missing: deleted from the end/);
    });

    it("two rows swapped (reordered) are named where the links break", async () => {
      const t = await fresh();
      await t.attack([
        "UPDATE audit_log SET seq = -10 WHERE seq = 10",
        "UPDATE audit_log SET seq = 10 WHERE seq = 9",
        "UPDATE audit_log SET seq = 9 WHERE seq = -10",
      ]);
      await expectCaught(t, 9, /prev_hash does not match the previous row's hash/);
    });

    it("the whole chain rewritten with recomputed plain SHA-256 hashes is named at row 1", async () => {
      const t = await fresh();
      // Hide the successful reset #4 as a refusal, recompute every hash the old way.
      const hide = (r: Awaited<ReturnType<Trail["rows"]>>[number]) =>
        r.seq === 4 ? { ...r, outcome: "denied" } : r;
      await t.attack(plainRewrite(await t.rows(), hide, { dropKeyId: true }));
      await expectCaught(
        t,
        1,
        /row is not keyed \(plain SHA-256\), but every row after #0 must be/,
      );
    });

    it("…also when the rewrite keeps the key ids, or moves the legacy boundary past the end", async () => {
      const t = await fresh();
      const rows = await t.rows();
      await t.attack(plainRewrite(rows, (r) => r, { dropKeyId: false }));
      await expectCaught(t, 1, /row content does not match its hash/);
      await t.attack([
        ...plainRewrite(rows, (r) => r, { dropKeyId: true }),
        "UPDATE audit_chain SET legacy_through = 1000",
      ]);
      await expectCaught(t, 1, /the chain identity \(audit_chain\) does not match its seal/);
    });

    it("a sequence number re-used by new rows after a deletion is named", async () => {
      const t = await fresh();
      await t.attack(["DELETE FROM audit_log WHERE seq > 17"]);
      // The app goes on appending: rows #18–#21 are new, the chain itself is intact.
      const { appendAudit } = await import("@/lib/audit/append");
      for (let i = 0; i < 4; i += 1)
        await appendAudit(
          { actor: "trader1", role: "trader", action: "mmp.reset", outcome: "denied" },
          t.handle,
        );
      expect((await t.rows()).map((r) => r.seq).at(-1)).toBe(21);
      await expectCaught(t, 18, /its sequence number was reused after rows were deleted/);
    });

    it("a reset `requested` without a result after the reset timeout is a warning, not a break", async () => {
      const t = await fresh();
      const { appendAudit } = await import("@/lib/audit/append");
      // Written a minute ago (the clock, not a sleep, puts it past the timeout).
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 60_000 });
      const lone = await appendAudit(
        {
          actor: "trader2",
          role: "trader",
          action: "mmp.reset",
          outcome: "requested",
          accountId: "bn-main",
          scope: "ETHUSDT",
          idempotencyKey: "lone-1",
        },
        t.handle,
      );
      vi.useRealTimers();
      await appendAudit(
        {
          actor: "trader3",
          role: "trader",
          action: "mmp.reset",
          outcome: "requested",
          idempotencyKey: "fresh-1",
        },
        t.handle,
      );
      const result = await verifyScript(t.env);
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/^OK: 22 rows, chain intact/);
      expect(result.out).toMatch(
        /WARNING: 1 reset request\(s\) without a result after the reset timeout/,
      );
      expect(result.out).toMatch(
        new RegExp(`#${lone.seq} \\S+ trader2 bn-main/ETHUSDT key lone-1`),
      );
      expect(result.out).not.toMatch(/fresh-1/);
    });
  });
}
