import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { attacker, useFixtureAuditKey } from "../support/audit-tamper";
import { tempSqlitePath } from "../support/databases";
import type { Db } from "@/lib/db/client";
import type { AuditEntry } from "@/lib/audit/append";

// The background verifier of the audit trail (lib/audit/background.ts), in-process on a fresh
// SQLite file: it verifies from its checkpoint, in chunks that yield to the event loop, sees a
// break after the checkpoint at its next incremental pass, and leaves an edit below the
// checkpoint to the full pass (or runs one at once when the checkpoint row itself is gone).

beforeAll(() => useFixtureAuditKey());

const entry = (i: number): AuditEntry => ({
  actor: `trader${(i % 3) + 1}`,
  role: "trader",
  action: "mmp.reset",
  outcome: i % 2 === 0 ? "requested" : "ok",
  accountId: "bn-main",
  scope: "BTCUSDT",
  idempotencyKey: `mid-${Math.floor(i / 2)}`,
});

async function trail(rows: number, pause?: () => Promise<void>) {
  const { openDb } = await import("@/lib/db/client");
  const { migrateToLatest } = await import("@/lib/db/migrate");
  const { appendAudit } = await import("@/lib/audit/append");
  const { createBackgroundVerifier } = await import("@/lib/audit/background");
  const sqlitePath = tempSqlitePath();
  const handle: Db = openDb({ MMP_SQLITE_PATH: sqlitePath });
  await migrateToLatest(handle.db, handle.dialect);
  let next = 0;
  const append = async (n: number) => {
    // Concurrent appends, as a busy server makes them (the chain serialises them).
    await Promise.all(Array.from({ length: n }, () => appendAudit(entry(next++), handle)));
  };
  await append(rows);
  const verifier = createBackgroundVerifier({
    handle: async () => handle,
    chunk: 100,
    unansweredAfterMs: 5000,
    ...(pause ? { pause } : {}),
  });
  return { handle, append, verifier, attack: attacker({ sqlitePath }) };
}

const gauge = async (name: "auditChainOk" | "auditFirstBadSeq" | "auditUnanswered") => {
  const { metrics } = await import("@/lib/platform/metrics");
  return (await metrics[name].get()).values[0]?.value;
};

afterEach(() => vi.useRealTimers());

describe("the background audit verifier", () => {
  it("a full pass reads in chunks and lets waiting callbacks run between them", async () => {
    const { yieldToEventLoop } = await import("@/lib/audit/background");
    let ticks = 0;
    let running = true;
    const ticker = () => {
      ticks += 1;
      if (running) setImmediate(ticker);
    };
    // How many of the ticker's turns each pause between chunks let through.
    const turns: number[] = [];
    const { verifier } = await trail(1000, async () => {
      const before = ticks;
      await yieldToEventLoop();
      turns.push(ticks - before);
    });
    setImmediate(ticker);
    const verdict = await verifier.runFull();
    running = false;
    expect(verdict).toMatchObject({ ok: true, rows: 1000, firstBad: null, anchoredSeq: 1000 });
    // 1000 rows in chunks of 100: a pause after each full chunk, and each let the ticker run.
    expect(turns.length).toBeGreaterThanOrEqual(10);
    expect(turns.every((n) => n >= 1)).toBe(true);
    expect(await gauge("auditChainOk")).toBe(1);
  });

  it("an incremental pass starts at the checkpoint and names a break after it", async () => {
    const { verifier, append, attack } = await trail(200);
    await verifier.runFull();
    await append(5);
    let verdict = await verifier.runIncremental();
    expect(verifier.stats()).toMatchObject({ lastFrom: 200, lastRowsRead: 5 });
    expect(verdict).toMatchObject({ ok: true, rows: 205, head: { seq: 205 } });

    await append(5);
    await attack(["UPDATE audit_log SET actor = 'mallory' WHERE seq = 208"]);
    verdict = await verifier.runIncremental();
    expect(verifier.stats()).toMatchObject({ lastFrom: 205, lastRowsRead: 3 });
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad).toEqual({
      seq: 208,
      reason: expect.stringMatching(/row content does not match its hash/),
    });
    expect(await gauge("auditChainOk")).toBe(0);
    expect(await gauge("auditFirstBadSeq")).toBe(208);
  });

  it("an edit below the checkpoint is named by the next full pass", async () => {
    const { verifier, append, attack } = await trail(50);
    await verifier.runFull();
    await attack(["UPDATE audit_log SET outcome = 'denied' WHERE seq = 10"]);
    await append(2);
    // The tail is intact, so the incremental pass cannot see it…
    expect((await verifier.runIncremental()).ok).toBe(true);
    // …the periodic full pass does.
    expect((await verifier.runFull()).firstBad?.seq).toBe(10);
  });

  it("rows deleted from the end are named at once: the checkpoint row is gone", async () => {
    const { verifier, attack } = await trail(50);
    await verifier.runFull();
    const fullBefore = verifier.stats().fullPasses;
    await attack(["DELETE FROM audit_log WHERE seq > 47"]);
    const verdict = await verifier.runIncremental();
    expect(verifier.stats().fullPasses).toBe(fullBefore + 1);
    expect(verdict.firstBad).toEqual({
      seq: 48,
      reason: expect.stringMatching(/^rows #48–#50 are missing: deleted from the end/),
    });
  });

  it("a request without a result after the timeout is listed and counted, the chain still ok", async () => {
    const { verifier, handle } = await trail(10);
    const { appendAudit } = await import("@/lib/audit/append");
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 60_000 });
    const lone = await appendAudit({ ...entry(0), idempotencyKey: "mid-lone" }, handle);
    vi.useRealTimers();
    const verdict = await verifier.runFull();
    expect(verdict.ok).toBe(true);
    expect(verdict.unansweredCount).toBe(1);
    expect(verdict.unanswered[0]).toMatchObject({ seq: lone.seq, idempotencyKey: "mid-lone" });
    expect(await gauge("auditUnanswered")).toBe(1);
    // Its result arrives (late): the warning goes.
    await appendAudit({ ...entry(1), idempotencyKey: "mid-lone", outcome: "unknown" }, handle);
    expect((await verifier.runIncremental()).unansweredCount).toBe(0);
  });
});
