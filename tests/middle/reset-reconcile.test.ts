import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { appendAudit } from "@/lib/audit/append";
import type { Settings } from "@/lib/config/settings";
import { noteRowReset } from "@/lib/desk/reset-ledger";
import { reconcileOnce, type ReconcileDeps } from "@/lib/desk/reset-reconcile";
import { pendingAnswersOf } from "@/lib/http/idempotency";
import { resetStatus } from "@/lib/http/reset-route";
import { rowsOf } from "@/lib/live/account-state";
import type { MmpRow, ResetResult } from "@/lib/model/types";
import type { UsableVenueAccount } from "@/lib/venues/account";
import { fixtureAccount } from "../support/fixtures";
import { waitFor } from "../support/wait";
import { SETTINGS, newKey, startResetBench, type ResetBench } from "./reset-bench";

// The crash reconciler's rules (lib/desk/reset-reconcile.ts) and the "one freeze, one reset"
// check (lib/desk/reset.ts), in-process against the simulator on a fresh SQLite file. A crashed
// process is played by rows that name a process that never registered (so it is gone): its
// pending idempotency key, its open attempt, its row lock, its `requested` row, and — when it got
// that far — the reset it sent, which the simulated venue applied.

const ROW = { accountId: "bn-main", scope: "BTCUSDT" };
const ROW_ID = "bn-main/BTCUSDT";
const RESET_PATH = "/eapi/v1/mmpReset";
const FAR = () => new Date(Date.now() + 3_600_000).toISOString();
const PAST = () => new Date(Date.now() - 1000).toISOString();

const settings: Settings = { ...SETTINGS };
let bench: ResetBench;
let since = 0;

beforeAll(async () => {
  bench = await startResetBench({ settings: () => settings });
});
afterAll(() => bench?.close());
beforeEach(async () => {
  Object.assign(settings, SETTINGS);
  await bench.ctl.clearFaults();
  await bench.restore();
  for (const table of ["reset_open", "row_lock", "row_reset", "reset_idempotency"] as const)
    await bench.db.db.deleteFrom(table).execute();
  since = await bench.lastSeq();
});

const account = () => bench.accounts.get(ROW.accountId) as UsableVenueAccount;
const deps = (): Partial<ReconcileDeps> & Pick<ReconcileDeps, "answers"> => ({
  ...bench.deps,
  audit: (entry) => appendAudit(entry, bench.db),
  answers: (db) => pendingAnswersOf(db, resetStatus),
});
const reconcile = () => reconcileOnce(deps());
const outcomes = async () => (await bench.auditSince(since)).map((r) => r.outcome);
const table = (name: "reset_open" | "row_lock" | "row_reset") =>
  bench.db.db.selectFrom(name).selectAll().execute();
const frozenRow = (): MmpRow => rowsOf(account()).find((r) => r.scope === ROW.scope)!;

interface Crash {
  /** The process that was doing it. */
  process?: string;
  /** How far it got: its key taken; the attempt opened; `requested` written; the venue called. */
  stage: "key" | "opened" | "requested" | "sent";
  notBefore?: string;
  lockExpires?: string;
}

/** Leaves the rows a process leaves when it dies at `stage` of a reset of ROW. */
async function crashedAttempt({
  process = `gone-${randomUUID()}`,
  stage,
  notBefore = FAR(),
  lockExpires = FAR(),
}: Crash): Promise<string> {
  const { db } = bench.db;
  const key = newKey();
  const now = new Date().toISOString();
  await db
    .insertInto("reset_idempotency")
    .values({
      key,
      fingerprint: `trader1|${ROW.accountId}|${ROW.scope}`,
      state: "pending",
      status_code: null,
      body: null,
      created_at: now,
      process_id: process,
    })
    .execute();
  await db
    .insertInto("row_lock")
    .values({ row_id: ROW_ID, holder: `${process}:${randomUUID()}`, expires_at: lockExpires })
    .execute();
  if (stage === "key") return key;
  await db
    .insertInto("reset_open")
    .values({
      id: randomUUID(),
      idempotency_key: key,
      row_id: ROW_ID,
      account_id: ROW.accountId,
      scope: ROW.scope,
      process_id: process,
      opened_at: now,
      not_before: notBefore,
    })
    .execute();
  if (stage === "opened") return key;
  await appendAudit(
    {
      actor: "trader1",
      role: "trader",
      action: "mmp.reset",
      outcome: "requested",
      venue: "binance",
      accountId: ROW.accountId,
      scope: ROW.scope,
      stateBefore: frozenRow(),
      idempotencyKey: key,
      clientIp: "192.0.2.7",
      userAgent: "crashed-client",
    },
    bench.db,
  );
  if (stage === "requested") return key;
  // The venue applied it; the answer never made it into our records.
  const { adapter, ctx } = account();
  await adapter.reset(ctx, ROW.scope);
  return key;
}

const post = (key: string) => bench.post({ ...ROW, idempotencyKey: key });

/** What this process remembers of the freezes resets cleared (lib/venues/cleared-triggers.ts, a
 * process-wide singleton): forgotten, this process sees the venue as another process would
 * before that process's share reaches it. */
function forgetBinanceResets(): void {
  const store = globalThis as unknown as Record<symbol, Map<string, number> | undefined>;
  store[Symbol.for("mmp-risk-desk.cleared-triggers")]?.clear();
}

describe("crash reconciliation", () => {
  it("a lone `requested` of a process that is gone: unknown, a re-read, resolved; its key answers that; its lock is released; nothing is sent again", async () => {
    const key = await crashedAttempt({ stage: "sent" });
    expect(await bench.venueResets(RESET_PATH)).toBe(1);

    const report = await reconcile();
    expect(report.attempts).toMatchObject([{ key, settled: "resolved" }]);
    const rows = await bench.auditSince(since);
    expect(rows.map((r) => r.outcome)).toEqual(["requested", "unknown", "resolved"]);
    for (const r of rows.slice(1))
      expect(r).toMatchObject({
        actor: "trader1",
        account_id: ROW.accountId,
        scope: ROW.scope,
        venue: "binance",
        idempotency_key: key,
      });
    expect(rows[1]!.venue_message).toMatch(/stopped before the venue's answer was recorded/);
    expect(rows[2]!.detail).toBe("a re-read shows ACTIVE: the reset took effect");
    expect(JSON.parse(rows[2]!.state_after!)).toMatchObject({ status: "active" });
    expect(await table("reset_open")).toEqual([]);
    expect(await table("row_lock")).toEqual([]);
    expect((await table("row_reset")).map((r) => r.row_id)).toEqual([ROW_ID]);
    // Looked, never sent again.
    expect(await bench.venueResets(RESET_PATH)).toBe(1);
    expect((await bench.ctl.log({ path: "/eapi/v1/mmp" })).length).toBeGreaterThan(0);

    // A retry with the key gets the resolved outcome at once, as a live unknown outcome answers.
    const started = performance.now();
    const res = await post(key);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(202);
    const body = (await res.json()) as ResetResult;
    expect(body).toMatchObject({ outcome: "unknown", row: { status: "active" } });
    expect(body.message).toMatch(
      /^Outcome unknown \(no answer recorded: .*\); a re-read shows ACTIVE/,
    );
    expect(await outcomes()).toEqual(["requested", "unknown", "resolved"]);
    expect(await bench.venueResets(RESET_PATH)).toBe(1);

    // Nothing left to do on the next pass.
    expect(await reconcile()).toEqual({ attempts: [], keys: [], locks: [] });
  });

  it("`requested` and `unknown` written, then the process died in its re-read: only `resolved` is added", async () => {
    const key = await crashedAttempt({ stage: "sent" });
    const [requested] = await bench.auditSince(since);
    await appendAudit(
      {
        actor: "trader1",
        role: "trader",
        action: "mmp.reset",
        outcome: "unknown",
        venue: "binance",
        accountId: ROW.accountId,
        scope: ROW.scope,
        stateBefore: JSON.parse(requested!.state_before!) as unknown,
        idempotencyKey: key,
        venueMessage: "no answer within 400 ms",
      },
      bench.db,
    );
    expect((await reconcile()).attempts).toMatchObject([{ key, settled: "resolved" }]);
    expect(await outcomes()).toEqual(["requested", "unknown", "resolved"]);
  });

  it("opened but `requested` never written: nothing was sent, and the key says so", async () => {
    const key = await crashedAttempt({ stage: "opened" });
    expect((await reconcile()).attempts).toMatchObject([{ key, settled: "not_sent" }]);
    expect(await outcomes()).toEqual([]);
    expect(await table("reset_open")).toEqual([]);
    expect(await table("row_lock")).toEqual([]);
    const res = await post(key);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: { code: "state_unconfirmed", message: expect.stringMatching(/nothing was sent/) },
    });
    expect(await bench.venueResets(RESET_PATH)).toBe(0);
  });

  it("died before opening an attempt (while reading the state): its key and its lock are let go", async () => {
    const key = await crashedAttempt({ stage: "key" });
    const report = await reconcile();
    expect(report).toEqual({ attempts: [], keys: [key], locks: [ROW_ID] });
    expect((await post(key)).status).toBe(503);
    // The row can be reset again at once, not when the dead process's lock would have expired.
    const res = await post(newKey());
    expect(res.status).toBe(200);
    expect(await bench.venueResets(RESET_PATH)).toBe(1);
  });

  it("a reset in flight in this process is left alone", async () => {
    // A venue that takes 1.5 s to answer, and a desk that waits for it.
    settings.resetTimeoutMs = 5000;
    const usual = account();
    bench.accounts.set(ROW.accountId, {
      ...usual,
      ctx: { ...usual.ctx, timeouts: { ...usual.ctx.timeouts, resetMs: 5000 } },
    });
    onTestFinished(() => void bench.accounts.set(ROW.accountId, usual));
    await bench.ctl.fault({ path: RESET_PATH, kind: "latency", ms: 1500 });
    const key = newKey();
    const answer = post(key);
    await waitFor(async () => (await bench.venueResets(RESET_PATH)) === 1, 3000);
    expect(await table("reset_open")).toHaveLength(1);
    expect(await reconcile()).toEqual({ attempts: [], keys: [], locks: [] });
    expect(await outcomes()).toEqual(["requested"]);
    expect((await answer).status).toBe(200);
    expect((await outcomes()).slice(0, 2)).toEqual(["requested", "ok"]);
    expect(await table("reset_open")).toEqual([]);
  });

  it("a live process's attempt waits until it outlives its row lock and promised re-checks", async () => {
    const live = `live-${randomUUID()}`;
    const seen = new Date().toISOString();
    await bench.db.db
      .insertInto("app_process")
      .values({ id: live, host: "another-host", pid: 1, started_at: seen, seen_at: seen })
      .execute();
    const key = await crashedAttempt({ process: live, stage: "sent" });
    expect(await reconcile()).toEqual({ attempts: [], keys: [], locks: [] });
    // Past its promise, but its lock is still held: not yet.
    await bench.db.db.updateTable("reset_open").set({ not_before: PAST() }).execute();
    expect((await reconcile()).attempts).toEqual([]);
    expect(await outcomes()).toEqual(["requested"]);
    // Its lock ran out too: settled like any other.
    await bench.db.db.updateTable("row_lock").set({ expires_at: PAST() }).execute();
    expect((await reconcile()).attempts).toMatchObject([{ key, settled: "resolved" }]);
    expect(await outcomes()).toEqual(["requested", "unknown", "resolved"]);
  });

  it("two reconcilers at once settle an attempt once", async () => {
    const key = await crashedAttempt({ stage: "sent" });
    const reports = await Promise.all([reconcile(), reconcile(), reconcile()]);
    expect(reports.flatMap((r) => r.attempts).filter((a) => a.settled === "resolved")).toEqual([
      expect.objectContaining({ key }),
    ]);
    expect(await outcomes()).toEqual(["requested", "unknown", "resolved"]);
  });

  it("the re-read fails: `unknown` now, the key answers that, `resolved` on a later pass, and then the key answers what it showed", async () => {
    const key = await crashedAttempt({ stage: "sent" });
    await bench.ctl.fault({ path: "/eapi/v1/mmp", kind: "status", status: 400, times: 1 });
    expect((await reconcile()).attempts).toMatchObject([{ key, settled: "deferred" }]);
    expect(await outcomes()).toEqual(["requested", "unknown"]);
    const res = await post(key);
    expect(res.status).toBe(202);
    expect(((await res.json()) as ResetResult).message).toMatch(/the re-read failed too/);
    await bench.ctl.clearFaults();
    await bench.db.db.updateTable("reset_open").set({ not_before: PAST() }).execute();
    expect((await reconcile()).attempts).toMatchObject([{ key, settled: "resolved" }]);
    expect(await outcomes()).toEqual(["requested", "unknown", "resolved"]);
    expect(await bench.venueResets(RESET_PATH)).toBe(1);
    // The first answer was provisional: a retry now learns what the later re-read showed.
    const later = await post(key);
    expect(later.status).toBe(202);
    const body = (await later.json()) as ResetResult;
    expect(body.message).toMatch(/a re-read shows/);
    expect(body.row).toMatchObject({ id: ROW_ID });
  });
});

describe("one freeze, one reset", () => {
  it("a cached FROZEN read younger than MMP_RESET_FRESH_MS is used as it is (no read before sending)", async () => {
    settings.resetFreshMs = 10_000;
    const res = await post(newKey());
    expect(res.status).toBe(200);
    const log = await bench.ctl.log();
    expect(log[0]?.path).toBe(RESET_PATH);
  });

  it("a FROZEN read older than the row's last reset (by another process) is not trusted: re-read, 409, nothing sent", async () => {
    settings.resetFreshMs = 10_000;
    // Another process reset the row after our read, and recorded it.
    const { adapter, ctx } = account();
    await adapter.reset(ctx, ROW.scope);
    await noteRowReset(bench.db, ROW_ID, Date.now());
    await bench.ctl.clearLog();
    expect(frozenRow().status).toBe("frozen");

    const res = await post(newKey());
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "not_frozen" } });
    expect(await bench.venueResets(RESET_PATH)).toBe(0);
    expect((await bench.ctl.log({ path: "/eapi/v1/mmp" })).length).toBeGreaterThan(0);
    expect(await outcomes()).toEqual(["denied"]);
  });

  it("a freeze a reset cleared is not reset again by a process that does not remember it (Binance keeps reporting its trigger)", async () => {
    expect((await post(newKey())).status).toBe(200);
    // Another process that has not yet heard of that reset: a read of its own shows the venue's
    // lastTriggerTime as a freeze still.
    forgetBinanceResets();
    await bench.settle();
    expect(frozenRow().status).toBe("frozen");

    const res = await post(newKey());
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: {
        code: "not_frozen",
        message: expect.stringMatching(/was already reset through the desk/),
      },
    });
    expect(await bench.venueResets(RESET_PATH)).toBe(0);
  });

  it("a new freeze after a reset is reset as usual", async () => {
    expect((await post(newKey())).status).toBe(200);
    await bench.ctl.freeze(fixtureAccount(ROW.accountId).apiKey, ROW.scope);
    await bench.settle();
    expect(frozenRow().status).toBe("frozen");
    expect((await post(newKey())).status).toBe(200);
    expect(await bench.venueResets(RESET_PATH)).toBe(1);
  });

  it("every reset that may have reached the venue records the row's reset time; a rejected one does not", async () => {
    await bench.ctl.fault({ path: RESET_PATH, kind: "status", status: 400, times: 1 });
    expect((await post(newKey())).status).toBe(502);
    expect(await table("row_reset")).toEqual([]);
    const before = Date.now();
    expect((await post(newKey())).status).toBe(200);
    const [marker] = await table("row_reset");
    expect(Date.parse(marker!.reset_at)).toBeGreaterThanOrEqual(before);
  });
});
