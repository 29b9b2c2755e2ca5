import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appendAudit } from "@/lib/audit/append";
import type { LimitPolicy } from "@/lib/config/schema";
import {
  approveChangeRoute,
  currentLimitsRoute,
  declineChangeRoute,
  listChangesRoute,
  requestChangeRoute,
} from "@/lib/http/limits-routes";
import type { LimitDeps } from "@/lib/limits/deps";
import { reconcileLimitChanges } from "@/lib/limits/reconcile";
import type { LimitChangeView } from "@/lib/model/limit-change";
import type { MmpLimits } from "@/lib/model/limits";
import type { CurrentUser } from "@/lib/model/roles";
import { fixtureAccount } from "../support/fixtures";
import { SETTINGS, TRADER, VIEWER, newKey, startResetBench, type ResetBench } from "./reset-bench";

// MMP limit changes under four eyes (issue 15), in-process: the real routes, use cases, Binance
// adapter and venue guard against the simulator over HTTP, on a fresh SQLite file. Each test
// counts what reached the simulated venue.

const ADMIN_A: CurrentUser = { username: "admin1", role: "admin" };
const ADMIN_B: CurrentUser = { username: "admin2", role: "admin" };
const ORIGIN = "http://desk.test";
const SET = "/eapi/v1/mmpSet";
const READ = "/eapi/v1/mmp";
const ETH = { accountId: "bn-main", scope: "ETHUSDT" };
const ETH_NOW: MmpLimits = {
  windowMs: 5000,
  frozenPeriodMs: 60000,
  qtyLimit: "250",
  deltaLimit: "80",
  vegaLimit: null,
  maxQuoteQty: null,
};

let bench: ResetBench;
let since = 0;
let ttlMs = 60_000;
let policy: LimitPolicy | undefined;

beforeAll(async () => {
  bench = await startResetBench();
});
afterAll(() => bench?.close());
beforeEach(async () => {
  ttlMs = 60_000;
  policy = undefined;
  await bench.restore();
  await bench.db.db.deleteFrom("limit_change").execute();
  await bench.db.db.deleteFrom("desired_limits").execute();
  since = await bench.lastSeq();
});

const limits = (): Partial<LimitDeps> => ({
  account: (id) => Promise.resolve(bench.accounts.get(id) ?? null),
  settings: () => SETTINGS,
  db: () => Promise.resolve(bench.db),
  approvalTtlMs: () => ttlMs,
  policy: () => Promise.resolve(policy),
});
const edge = (user: CurrentUser) => ({
  user: () => Promise.resolve(user),
  db: () => Promise.resolve(bench.db),
  audit: (entry: Parameters<typeof appendAudit>[0]) => appendAudit(entry, bench.db),
});
const req = (path: string, body: unknown) =>
  new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", host: "desk.test", origin: ORIGIN },
    body: JSON.stringify(body),
  });
const ask = (user: CurrentUser, body: Record<string, unknown>) =>
  requestChangeRoute({ edge: edge(user), limits: limits() })(
    req("/api/limits/requests", { idempotencyKey: newKey(), ...body }),
  );
const approve = (user: CurrentUser, change: LimitChangeView, diffHash = change.diffHash) =>
  approveChangeRoute({ edge: edge(user), limits: limits() })(
    req("/api/limits/requests/approve", { id: change.id, diffHash, idempotencyKey: newKey() }),
  );
const decline = (user: CurrentUser, change: LimitChangeView) =>
  declineChangeRoute({ edge: edge(user), limits: limits() })(
    req("/api/limits/requests/decline", {
      id: change.id,
      diffHash: change.diffHash,
      idempotencyKey: newKey(),
    }),
  );
const requested = async (user: CurrentUser, after: Partial<MmpLimits>) => {
  const res = await ask(user, { ...ETH, after: { ...ETH_NOW, ...after } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as LimitChangeView;
};
const calls = async (path: string) => (await bench.ctl.log({ path })).length;
const outcomes = async () => (await bench.auditSince(since)).map((r) => r.outcome);
const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string } }).error;

describe("four eyes", () => {
  it("a request reads the venue once and sends nothing; another admin's approval sends one set call, verified", async () => {
    const change = await requested(ADMIN_A, { qtyLimit: "300" });
    expect(change).toMatchObject({ status: "pending", before: ETH_NOW, requestedBy: "admin1" });
    expect(change.changes).toEqual([
      { field: "qtyLimit", label: "Qty limit", before: "250", after: "300" },
    ]);
    expect(await calls(READ)).toBe(1);
    expect(await calls(SET)).toBe(0);

    const own = await approve(ADMIN_A, change);
    expect(own.status).toBe(403);
    expect((await errorOf(own)).code).toBe("own_change");
    expect(await calls(SET)).toBe(0);

    const res = await approve(ADMIN_B, change);
    expect(res.status, await res.clone().text()).toBe(200);
    const done = (await res.json()) as LimitChangeView;
    expect(done).toMatchObject({ status: "verified", decidedBy: "admin2" });
    expect(done.readAfter?.qtyLimit).toBe("300");
    expect(await calls(SET)).toBe(1);
    expect(await outcomes()).toEqual(["proposed", "denied", "approved", "sent", "verified"]);
    // The verified values are the row's desired state from now on (drift is judged against them).
    const desired = await bench.db.db
      .selectFrom("desired_limits")
      .selectAll()
      .where("row_id", "=", "bn-main/ETHUSDT")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(desired.limits_json)).toMatchObject({ qtyLimit: "300", windowMs: 5000 });
    expect(desired.change_id).toBe(change.id);

    // A replayed approval (a new key) sends nothing.
    const again = await approve(ADMIN_B, change);
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("change_not_pending");
    expect(await calls(SET)).toBe(1);
  });

  it("a trader may request, not approve; a viewer may do neither", async () => {
    const change = await requested(TRADER, { deltaLimit: "90" });
    expect((await approve(TRADER, change)).status).toBe(403);
    expect((await ask(VIEWER, { ...ETH, after: ETH_NOW })).status).toBe(403);
    const list = await listChangesRoute({ user: () => Promise.resolve(VIEWER) })(
      new Request(`${ORIGIN}/api/limits/requests`),
      undefined,
    );
    expect(list.status).toBe(403);
    expect(await calls(SET)).toBe(0);
  });

  it("a decline ends the change and sends nothing", async () => {
    const change = await requested(TRADER, { qtyLimit: "260" });
    const res = await decline(ADMIN_A, change);
    expect(((await res.json()) as LimitChangeView).status).toBe("declined");
    expect((await approve(ADMIN_B, change)).status).toBe(409);
    expect(await calls(SET)).toBe(0);
  });
});

describe("the form's starting point", () => {
  it("reads the scope's limits at the venue now, for whoever may request a change", async () => {
    const get = (user: CurrentUser, q: string) =>
      currentLimitsRoute({ user: () => Promise.resolve(user), limits: limits() })(
        new Request(`${ORIGIN}/api/limits/current?${q}`),
        undefined,
      );
    const res = await get(TRADER, "accountId=bn-main&scope=ETHUSDT");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ venue: "binance", limits: ETH_NOW });
    expect((await get(VIEWER, "accountId=bn-main&scope=ETHUSDT")).status).toBe(403);
    expect((await get(TRADER, "accountId=bn-main")).status).toBe(400);
    expect((await get(TRADER, "accountId=bn-main&scope=ETHUSDT&x=1")).status).toBe(400);
  });
});

describe("nothing is sent when", () => {
  it("the venue changed since the request (optimistic concurrency)", async () => {
    const change = await requested(TRADER, { qtyLimit: "300" });
    const key = fixtureAccount("bn-main").apiKey;
    await bench.ctl.setScope({ apiKey: key, scope: "ETHUSDT", qtyLimit: "270" });
    const res = await approve(ADMIN_B, change);
    const view = (await res.json()) as LimitChangeView;
    expect(view.status).toBe("stale");
    expect(view.detail).toMatch(/changed at the venue since the request/);
    expect(await calls(SET)).toBe(0);
    expect(await outcomes()).toEqual(["proposed", "approved", "stale"]);
  });

  it("the approval comes too late", async () => {
    ttlMs = 1000;
    const change = await requested(TRADER, { qtyLimit: "300" });
    await new Promise((r) => setTimeout(r, 1100)); // the approval window, not a wait for a condition
    const res = await approve(ADMIN_B, change);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe("change_expired");
    expect(await calls(SET)).toBe(0);
    expect(await outcomes()).toEqual(["proposed", "expired"]);
  });

  it("the approver saw another diff", async () => {
    const change = await requested(TRADER, { qtyLimit: "300" });
    const res = await approve(ADMIN_B, change, "0".repeat(64));
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe("diff_mismatch");
    expect(await calls(SET)).toBe(0);
  });
});

describe("refused before any venue call", () => {
  it("values outside the venue's range, naming the bound", async () => {
    const res = await ask(TRADER, { ...ETH, after: { ...ETH_NOW, windowMs: 6000 } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/Window must be between 1 and 5000 ms/);
    expect((await bench.ctl.log()).length).toBe(0);
  });

  it("values outside the firm's policy, naming the bound", async () => {
    policy = { accounts: { "bn-main": { qtyLimit: { max: "280" } } } };
    const res = await ask(TRADER, { ...ETH, after: { ...ETH_NOW, qtyLimit: "300" } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(
      /Qty limit 300 is above the firm's maximum 280 \(the policy for account bn-main\)/,
    );
    expect((await bench.ctl.log()).length).toBe(0);
  });

  it("hostile input", async () => {
    const hostile: Record<string, unknown>[] = [
      { ...ETH, after: { ...ETH_NOW, windowMs: "3000" } },
      { ...ETH, after: { ...ETH_NOW, windowMs: 1e308 } },
      { ...ETH, after: { ...ETH_NOW, qtyLimit: "-5" } },
      { ...ETH, after: { ...ETH_NOW, qtyLimit: "NaN" } },
      { ...ETH, after: { ...ETH_NOW, qtyLimit: null } },
      { ...ETH, after: { ...ETH_NOW, extra: 1 } },
      { ...ETH, after: ETH_NOW, extra: true },
      { ...ETH, after: "not an object" },
      { accountId: "bn-main", scope: "BTC-USD", after: ETH_NOW },
      { accountId: "bn-main", scope: "XRPUSDT", after: ETH_NOW },
      { accountId: "no-such", scope: "ETHUSDT", after: ETH_NOW },
    ];
    for (const body of hostile) {
      const res = await ask(TRADER, body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
    }
    expect((await bench.ctl.log()).length).toBe(0);
  });

  it("no change at all", async () => {
    const res = await ask(TRADER, { ...ETH, after: { ...ETH_NOW, qtyLimit: "250.0" } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("limits_unchanged");
    expect(await calls(SET)).toBe(0);
  });
});

describe("a change whose sending process stopped", () => {
  it("is settled by a re-read, never sent again: verified when the venue shows it, else unknown", async () => {
    const stuck = (id: string, after: MmpLimits) => ({
      id,
      account_id: "bn-main",
      scope: "ETHUSDT",
      venue: "binance",
      requested_by: "trader1",
      requested_at: new Date(Date.now() - 300_000).toISOString(),
      expires_at: new Date(Date.now() + 300_000).toISOString(),
      before_json: JSON.stringify(ETH_NOW),
      after_json: JSON.stringify(after),
      diff_hash: "0".repeat(64),
      switches_off: 0,
      status: "sending",
      decided_by: "admin1",
      decided_at: new Date(Date.now() - 180_000).toISOString(),
      read_after_json: null,
      detail: null,
    });
    const applied = "00000000-0000-4000-8000-000000000001";
    const lost = "00000000-0000-4000-8000-000000000002";
    await bench.db.db
      .insertInto("limit_change")
      .values([stuck(applied, ETH_NOW), stuck(lost, { ...ETH_NOW, qtyLimit: "999" })])
      .execute();
    const settled = await reconcileLimitChanges(limits(), (e) => appendAudit(e, bench.db));
    expect(settled).toBe(2);
    const status = async (id: string) =>
      (
        await bench.db.db
          .selectFrom("limit_change")
          .select("status")
          .where("id", "=", id)
          .executeTakeFirstOrThrow()
      ).status;
    expect(await status(applied)).toBe("verified");
    expect(await status(lost)).toBe("unknown");
    expect(await calls(SET)).toBe(0);
    expect(await outcomes()).toEqual(["unknown", "verified", "unknown", "unverified"]);
  });
});
