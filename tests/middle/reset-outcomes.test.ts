import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ResetResult } from "@/lib/model/types";
import { waitFor } from "../support/wait";
import { SETTINGS, VIEWER, newKey, startResetBench, type ResetBench } from "./reset-bench";

// The reset outcome table, each with its exact audit sequence (nothing more, nothing less, in
// this order) and what reached the venue. The audit rows are all rows the attempt appended to
// the trail, so a dropped, extra or reordered row of any outcome fails here.

let bench: ResetBench;
let since = 0;

const outcomes = async () => (await bench.auditSince(since)).map((r) => r.outcome);
const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string; venueCode?: string } }).error;

beforeAll(async () => {
  bench = await startResetBench();
});
afterAll(() => bench?.close());
beforeEach(async () => {
  // The simulator's start state: bn-main/BTCUSDT FROZEN, ETHUSDT ACTIVE; no faults, empty log.
  await bench.restore();
  since = await bench.lastSeq();
});

describe("reset outcomes and their audit rows", () => {
  it("ok: [requested, ok], one venue call, 200 with the state after", async () => {
    const key = newKey();
    const res = await bench.post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ResetResult;
    expect(Object.keys(body)).toEqual(["outcome", "message", "row", "latencyMs", "serverTime"]);
    expect(body).toMatchObject({ outcome: "ok", message: "Reset done", row: { status: "active" } });
    expect(await bench.venueResets()).toBe(1);

    // The attempt's own rows; the post-reset read's `observed` may already follow (checked below).
    const rows = (await bench.auditSince(since)).filter((r) => r.outcome !== "observed");
    expect(rows.map((r) => r.outcome)).toEqual(["requested", "ok"]);
    for (const r of rows)
      expect(r).toMatchObject({
        actor: "trader1",
        account_id: "bn-main",
        scope: "BTCUSDT",
        venue: "binance",
        idempotency_key: key,
      });
    expect(JSON.parse(rows[0]!.state_before!)).toMatchObject({ status: "frozen" });
    expect(JSON.parse(rows[1]!.state_after!)).toMatchObject({ status: "active" });
    // One latency, measured once: the answer and the audit row carry the same number.
    expect(rows[1]!.latency_ms).toBe(body.latencyMs);
    // Then the account is re-read in the background, and what the read shows is the attempt's
    // `observed` row: the state after, from the venue's own read.
    await waitFor(async () => (await outcomes()).length === 3, 3000);
    expect(await outcomes()).toEqual(["requested", "ok", "observed"]);
    expect(await bench.ctl.log({ path: "/eapi/v1/mmp" })).not.toHaveLength(0);
    const observed = (await bench.auditSince(since))[2]!;
    expect(observed).toMatchObject({ idempotency_key: key, actor: "trader1", scope: "BTCUSDT" });
    expect(JSON.parse(observed.state_after!)).toMatchObject({ status: "active" });
  });

  it("venue rejection: [requested, rejected], 502 with the venue's code", async () => {
    await bench.ctl.fault({
      path: "/eapi/v1/mmpReset",
      kind: "status",
      status: 400,
      body: JSON.stringify({ code: -6040, msg: "Invalid MMP limits." }),
    });
    const res = await bench.post({
      accountId: "bn-main",
      scope: "BTCUSDT",
      idempotencyKey: newKey(),
    });
    expect(res.status).toBe(502);
    expect(await errorOf(res)).toEqual({
      code: "venue_rejected",
      message: expect.stringContaining("Invalid MMP limits.") as string,
      venueCode: "-6040",
    });
    expect(await bench.venueResets()).toBe(1);
    const rows = await bench.auditSince(since);
    expect(rows.map((r) => r.outcome)).toEqual(["requested", "rejected"]);
    expect(rows[1]!.venue_code).toBe("-6040");
  });

  it("unknown after a 5xx: [requested, unknown, resolved], 202, never sent twice", async () => {
    await bench.ctl.fault({ path: "/eapi/v1/mmpReset", kind: "status", status: 502 });
    const res = await bench.post({
      accountId: "bn-main",
      scope: "BTCUSDT",
      idempotencyKey: newKey(),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as ResetResult;
    expect(body.outcome).toBe("unknown");
    expect(body.message).toMatch(/^Outcome unknown \(venue answered HTTP 502\); a re-read still/);
    expect(await bench.venueResets()).toBe(1);
    const rows = await bench.auditSince(since);
    expect(rows.map((r) => r.outcome)).toEqual(["requested", "unknown", "resolved"]);
    expect(rows[2]!.detail).toMatch(/still shows FROZEN/);
  });

  it("unknown after a hang past the reset timeout: [requested, unknown, resolved], 202", async () => {
    await bench.ctl.fault({ path: "/eapi/v1/mmpReset", kind: "hang" });
    const started = performance.now();
    const res = await bench.post({
      accountId: "bn-main",
      scope: "BTCUSDT",
      idempotencyKey: newKey(),
    });
    expect(res.status).toBe(202);
    expect(performance.now() - started).toBeLessThan(SETTINGS.resetTimeoutMs + 1500);
    const body = (await res.json()) as ResetResult;
    expect(body.message).toMatch(/no answer within 400 ms/);
    expect(body.latencyMs).toBeGreaterThanOrEqual(SETTINGS.resetTimeoutMs - 5);
    expect(await bench.venueResets()).toBe(1);
    expect(await outcomes()).toEqual(["requested", "unknown", "resolved"]);
  });

  it("not frozen: [denied], nothing sent", async () => {
    const res = await bench.post({
      accountId: "bn-main",
      scope: "ETHUSDT",
      idempotencyKey: newKey(),
    });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe("not_frozen");
    expect(await bench.venueResets()).toBe(0);
    const rows = await bench.auditSince(since);
    expect(rows.map((r) => r.outcome)).toEqual(["denied"]);
    expect(rows[0]).toMatchObject({
      venue: "binance",
      detail: "409 not_frozen: ETHUSDT is ACTIVE, not frozen: nothing was sent",
    });
  });

  it("unknown scope: [denied], not even a read", async () => {
    const res = await bench.post({
      accountId: "bn-main",
      scope: "DOGEUSDT",
      idempotencyKey: newKey(),
    });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("unknown_scope");
    expect(await bench.ctl.log()).toEqual([]);
    const rows = await bench.auditSince(since);
    expect(rows.map((r) => r.outcome)).toEqual(["denied"]);
    expect(rows[0]!.detail).toBe('404 unknown_scope: account "bn-main" does not watch DOGEUSDT');
  });

  it("unknown account: [denied], nothing sent", async () => {
    const res = await bench.post({ accountId: "nope", scope: "BTCUSDT", idempotencyKey: newKey() });
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toEqual({ code: "unknown_account", message: 'no account "nope"' });
    expect(await bench.ctl.log()).toEqual([]);
    expect(await outcomes()).toEqual(["denied"]);
  });

  it("forbidden at the edge: [denied] naming the target it was refused for, nothing sent", async () => {
    const res = await bench.post(
      { accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: newKey() },
      VIEWER,
    );
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({
      code: "forbidden",
      message: "the viewer role may not mmp.reset",
    });
    expect(await bench.ctl.log()).toEqual([]);
    const rows = await bench.auditSince(since);
    expect(rows.map((r) => r.outcome)).toEqual(["denied"]);
    expect(rows[0]).toMatchObject({
      actor: "viewer1",
      // The body is read after the refusal, only so the row says what was attempted (issue 13).
      account_id: "bn-main",
      scope: "BTCUSDT",
      detail: "403 forbidden: the viewer role may not mmp.reset",
    });
  });

  it("bad input at the edge: [denied], nothing sent", async () => {
    const res = await bench.post({ accountId: "bn-main", scope: "BTCUSDT" });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("invalid_input");
    expect(await bench.ctl.log()).toEqual([]);
    expect(await outcomes()).toEqual(["denied"]);
  });

  it("audit unavailable: 503, nothing sent and no row (there is nowhere to write one)", async () => {
    await bench.breakAudit();
    try {
      const res = await bench.post({
        accountId: "bn-main",
        scope: "BTCUSDT",
        idempotencyKey: newKey(),
      });
      expect(res.status).toBe(503);
      expect(await errorOf(res)).toEqual({
        code: "audit_unavailable",
        message: "the audit trail cannot be written, so nothing was sent",
      });
    } finally {
      await bench.repairAudit();
    }
    expect(await bench.venueResets()).toBe(0);
    expect(await outcomes()).toEqual([]);
  });
});
