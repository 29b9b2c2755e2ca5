import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Secret } from "@/lib/config/secret";
import { startSimulator } from "@/simulator";
import type { SimAccountSpec, SimHandle } from "@/simulator/types";
import { deribitAdapter } from "@/lib/venues/deribit/adapter";
import { VenueError } from "@/lib/venues/errors";
import { exactJsonNumber, venueDecimal } from "@/lib/venues/json-decimal";
import type { MmpLimits } from "@/lib/model/limits";
import type { AdapterContext, PushTrigger } from "@/lib/venues/types";
import { simControl } from "../support/sim-client";
import { waitFor } from "../support/wait";

// The Deribit adapter (REST and push) against the simulator over real HTTP and websockets.
// Accounts live here: the shared fixture file is for the app-level tests.

const MAIN: SimAccountSpec = {
  id: "dr-main",
  venue: "deribit",
  apiKey: "deribitAdapterMain",
  secret: "deribit-adapter-secret",
  scopes: [
    {
      scope: "btc_usd",
      windowMs: 5000,
      frozenPeriodMs: 100_000,
      qtyLimit: "0.5",
      deltaLimit: "0.3",
      vegaLimit: "1000",
    },
    // A Mass Quote group with only a quantity limit, frozen until a manual reset.
    {
      scope: "btc_usd/mm1",
      windowMs: 3000,
      frozenPeriodMs: 0,
      qtyLimit: "2",
      deltaLimit: "0",
      triggeredAt: "now",
    },
    { scope: "eth_usd", windowMs: 10_000, frozenPeriodMs: 0, qtyLimit: "1", deltaLimit: "1" },
    {
      scope: "sol_usdc",
      windowMs: 5000,
      frozenPeriodMs: 0,
      qtyLimit: "1",
      deltaLimit: "1",
      enabled: false,
    },
  ],
};
const NOT_MM: SimAccountSpec = {
  id: "dr-notmm",
  venue: "deribit",
  apiKey: "deribitAdapterNotMm",
  secret: "deribit-adapter-notmm",
  mmpEnabled: false,
  scopes: [{ scope: "btc_usd", windowMs: 5000, frozenPeriodMs: 0, qtyLimit: "1", deltaLimit: "1" }],
};

const RESET_PATH = "/api/v2/private/reset_mmp";

let sim: SimHandle;
let ctl: ReturnType<typeof simControl>;
let n = 0;

function ctx(
  account = MAIN,
  over: Partial<AdapterContext> = {},
  secret = account.secret,
): AdapterContext {
  n += 1;
  return {
    accountId: `dr${n}`,
    baseUrl: sim.url,
    credentials: {
      apiKey: account.apiKey,
      apiSecret: new Secret(secret),
      passphrase: null,
      keyType: "hmac",
    },
    timeouts: { readMs: 1000, resetMs: 1000 },
    demoTrading: false,
    ...over,
  };
}
const fail = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as VenueError,
  );
const resets = () => ctl.log({ path: RESET_PATH });
const dropWebsockets = async () =>
  (await (
    await fetch(`${sim.url}/__sim/ws/drop`, {
      method: "POST",
      body: JSON.stringify({ venue: "deribit" }),
    })
  ).json()) as { closed: number };
const byScope = async (c: AdapterContext, scopes: string[]) =>
  Object.fromEntries(
    (await deribitAdapter.readScopes(c, scopes)).map((r) => [r.scope, r.state] as const),
  );

beforeAll(async () => {
  sim = await startSimulator({ accounts: [MAIN, NOT_MM] });
  ctl = simControl(sim.url);
});
afterAll(() => sim.close());
beforeEach(() => ctl.restore());

describe("Deribit adapter: REST", () => {
  it("reads every row with seconds converted to ms, the group row, DISABLED and n/a", async () => {
    const by = await byScope(ctx(), [
      "btc_usd",
      "btc_usd/mm1",
      "sol_usdc",
      "xrp_usdc",
      "eth_usd/zz",
    ]);
    expect(by.btc_usd).toEqual({
      status: "active",
      frozenUntil: null,
      windowMs: 5000,
      frozenPeriodMs: 100_000,
      qtyLimit: "0.5",
      deltaLimit: "0.3",
      vegaLimit: "1000",
      lastTriggerAt: null,
      problem: null,
    });
    expect(by["btc_usd/mm1"]).toMatchObject({
      status: "frozen",
      frozenUntil: null,
      windowMs: 3000,
      frozenPeriodMs: 0,
      qtyLimit: "2",
      deltaLimit: null,
      vegaLimit: null,
    });
    expect(by.sol_usdc?.status).toBe("disabled");
    expect(by.xrp_usdc).toMatchObject({
      status: "disabled",
      problem: { code: "not_configured" },
    });
    expect(by["eth_usd/zz"]?.status).toBe("disabled");
    // One read is two calls whatever the number of scopes.
    expect(await ctl.log({ path: "/api/v2/private/get_mmp_config" })).toHaveLength(1);
    expect(await ctl.log({ path: "/api/v2/private/get_mmp_status" })).toHaveLength(1);
  });

  it("a timed freeze counts down on our clock", async () => {
    await ctl.freeze(MAIN.apiKey, "btc_usd");
    const { btc_usd } = await byScope(ctx(), ["btc_usd"]);
    expect(btc_usd?.status).toBe("frozen");
    expect(btc_usd?.frozenUntil).toBeGreaterThan(Date.now() + 90_000);
    expect(btc_usd?.frozenUntil).toBeLessThanOrEqual(Date.now() + 100_000 + 50);
  });

  it("lists indexes and groups from get_mmp_config", async () => {
    expect(await deribitAdapter.listScopes(ctx())).toEqual([
      "btc_usd",
      "btc_usd/mm1",
      "eth_usd",
      "sol_usdc",
    ]);
  });

  it("an account that is not an MMP user shows DISABLED (13040), not an error", async () => {
    const { btc_usd } = await byScope(ctx(NOT_MM), ["btc_usd"]);
    expect(btc_usd).toMatchObject({ status: "disabled", problem: { code: "not_enabled" } });
    expect(btc_usd?.problem?.message).toContain("13040");
  });

  it("resets an index row with exactly one reset_mmp and no mmp_group", async () => {
    await ctl.freeze(MAIN.apiKey, "btc_usd");
    const c = ctx();
    const receipt = await deribitAdapter.reset(c, "btc_usd");
    expect(receipt.venueAnswer).toBe('{"result":"ok"}');
    const log = await resets();
    expect(log).toHaveLength(1);
    expect(log[0]?.method).toBe("POST");
    expect(JSON.parse(log[0]?.body ?? "{}")).toMatchObject({
      method: "private/reset_mmp",
      params: { index_name: "btc_usd" },
    });
    expect(log[0]?.body).not.toContain("mmp_group");
    const by = await byScope(c, ["btc_usd", "btc_usd/mm1"]);
    expect(by.btc_usd?.status).toBe("active");
    expect(by["btc_usd/mm1"]?.status).toBe("frozen");
  });

  it("resets a group row with exactly one reset_mmp naming the group", async () => {
    const c = ctx();
    await deribitAdapter.reset(c, "btc_usd/mm1");
    const log = await resets();
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0]?.body ?? "{}")).toMatchObject({
      params: { index_name: "btc_usd", mmp_group: "mm1" },
    });
    expect((await byScope(c, ["btc_usd/mm1"]))["btc_usd/mm1"]?.status).toBe("active");
  });

  it("a wrong secret is a clear auth error with the venue's words", async () => {
    const err = await fail(deribitAdapter.readScopes(ctx(MAIN, {}, "wrong"), ["btc_usd"]));
    expect(err?.kind).toBe("auth");
    expect(err?.details.venueCode).toBe("13009");
    expect(err?.message).toMatch(
      /^Deribit: invalid credentials or signature \(13009\): unauthorized \(invalid signature\)/,
    );
    const unknown = await fail(
      deribitAdapter.readScopes(ctx({ ...MAIN, apiKey: "nobody" }), ["btc_usd"]),
    );
    expect(unknown?.message).toMatch(/invalid credentials or signature \(13004\)/);
  });

  it.each([-70_000, 70_000])(
    "absorbs a venue clock %i ms off by one re-sync and retry",
    async (skew) => {
      const c = ctx();
      await deribitAdapter.readScopes(c, ["btc_usd"]);
      await ctl.freeze(MAIN.apiKey, "btc_usd");
      await ctl.skew(skew, "deribit");
      await ctl.clearLog();
      await deribitAdapter.reset(c, "btc_usd");
      expect((await resets()).map((e) => e.venueCode)).toEqual([13009, null]);
      expect((await byScope(c, ["btc_usd"])).btc_usd?.status).toBe("active");
      // Leave the shared offset (per base URL) synced to the real clock for the next tests.
      await ctl.skew(0, "deribit");
      await deribitAdapter.readScopes(c, ["btc_usd"]);
    },
  );

  it.each([500, 503])("a %i on reset is an unknown outcome, sent once", async (status) => {
    await ctl.fault({ venue: "deribit", path: RESET_PATH, kind: "status", status });
    expect((await fail(deribitAdapter.reset(ctx(), "btc_usd")))?.kind).toBe("unknown_outcome");
    expect(await resets()).toHaveLength(1);
  });

  it("a hang on reset is an unknown outcome within the timeout, sent once", async () => {
    await ctl.fault({ venue: "deribit", path: RESET_PATH, kind: "hang" });
    const c = ctx(MAIN, { timeouts: { readMs: 1000, resetMs: 300 } });
    await deribitAdapter.serverTime(c);
    const started = Date.now();
    expect((await fail(deribitAdapter.reset(c, "btc_usd")))?.kind).toBe("unknown_outcome");
    expect(Date.now() - started).toBeLessThan(1300);
    expect(await resets()).toHaveLength(1);
  });

  it("maps 10028 and HTTP 429 to rate_limited, 13030 to rejected", async () => {
    const body = (code: number, message: string) =>
      JSON.stringify({ jsonrpc: "2.0", error: { code, message } });
    const path = "/api/v2/private/get_mmp_config";
    await ctl.fault({
      venue: "deribit",
      path,
      kind: "status",
      status: 400,
      body: body(10028, "too_many_requests"),
    });
    expect((await fail(deribitAdapter.readScopes(ctx(), ["btc_usd"])))?.kind).toBe("rate_limited");
    await ctl.fault({ venue: "deribit", path, kind: "status", status: 429 });
    expect((await fail(deribitAdapter.readScopes(ctx(), ["btc_usd"])))?.kind).toBe("rate_limited");
    await ctl.fault({
      venue: "deribit",
      path: RESET_PATH,
      kind: "status",
      status: 400,
      body: body(13030, "mmp_trigger"),
    });
    const err = await fail(deribitAdapter.reset(ctx(), "btc_usd"));
    expect(err?.kind).toBe("rejected");
    expect(err?.message).toContain("mmp_trigger");
  });

  it("10028 as the venue sends it (HTTP 429): credits used up, a 10 s back-off; a bare 429 on a reset is a refusal, not an unknown outcome", async () => {
    await ctl.fault({
      venue: "deribit",
      path: "/api/v2/private/get_mmp_config",
      kind: "status",
      status: 429,
      body: JSON.stringify({
        jsonrpc: "2.0",
        error: { code: 10028, message: "too_many_requests" },
      }),
    });
    const read = await fail(deribitAdapter.readScopes(ctx(), ["btc_usd"]));
    expect(read?.kind).toBe("rate_limited");
    expect(read?.details.venueCode).toBe("10028");
    expect(read?.details.retryAfterMs).toBe(10_000);
    expect(read?.message).toMatch(/matching-engine credits are used up/);

    await ctl.fault({
      venue: "deribit",
      path: RESET_PATH,
      kind: "status",
      status: 429,
      body: "busy",
    });
    const reset = await fail(deribitAdapter.reset(ctx(), "btc_usd"));
    expect(reset?.kind).toBe("rate_limited");
  });

  it("reads the venue clock from public/get_time", async () => {
    await ctl.skew(5000, "deribit");
    const t = await deribitAdapter.serverTime(ctx());
    expect(Math.abs(t - (Date.now() + 5000))).toBeLessThan(1000);
  });
});

describe("Deribit adapter: limit changes", () => {
  const SET_PATH = "/api/v2/private/set_mmp_config";
  const CONFIG_PATH = "/api/v2/private/get_mmp_config";
  const readLimits: NonNullable<typeof deribitAdapter.readLimits> = (...args) => {
    if (!deribitAdapter.readLimits) throw new Error("the Deribit adapter cannot read limits");
    return deribitAdapter.readLimits(...args);
  };
  const setLimits: NonNullable<typeof deribitAdapter.setLimits> = (...args) => {
    if (!deribitAdapter.setLimits) throw new Error("the Deribit adapter cannot set limits");
    return deribitAdapter.setLimits(...args);
  };
  const sets = () => ctl.log({ path: SET_PATH });
  const limits = (over: Partial<MmpLimits> = {}): MmpLimits => ({
    windowMs: 7000,
    frozenPeriodMs: 30_000,
    qtyLimit: "1.25",
    deltaLimit: null,
    vegaLimit: null,
    maxQuoteQty: "2.5",
    ...over,
  });
  const BTC_BEFORE = limits({
    windowMs: 5000,
    frozenPeriodMs: 100_000,
    qtyLimit: "0.5",
    deltaLimit: "0.3",
    vegaLimit: "1000",
    maxQuoteQty: "0.5",
  });

  it("venueDecimal: JSON numbers become exact decimal strings, never exponent notation", () => {
    const cases: [string | number, string | null][] = [
      [1e-7, "0.0000001"],
      [1.5e-7, "0.00000015"],
      [1e21, "1000000000000000000000"],
      [0.1, "0.1"],
      [2.5, "2.5"],
      [1000, "1000"],
      [123456789.1234, "123456789.1234"],
      ["50.50", "50.5"],
      ["007.0", "7"],
      ["2.5E-3", "0.0025"],
      [-1, null],
      [Number.NaN, null],
      ["", null],
      ["1,5", null],
    ];
    for (const [input, expected] of cases) expect(venueDecimal(input)).toBe(expected);
    expect(exactJsonNumber("1.25")).toBe(1.25);
    expect(exactJsonNumber("0.0001")).toBe(0.0001);
    // 18 significant digits: the double is 1, so it must not be sent as a number.
    expect(exactJsonNumber("1.00000000000000001")).toBeNull();
  });

  it("readLimits asks get_mmp_config for the scope's index (and group), in desk units; none is null", async () => {
    const c = ctx();
    expect(await readLimits(c, "btc_usd")).toEqual(BTC_BEFORE);
    expect(await readLimits(c, "btc_usd/mm1")).toEqual(
      limits({ windowMs: 3000, frozenPeriodMs: 0, qtyLimit: "2", maxQuoteQty: "2" }),
    );
    expect(await readLimits(c, "xrp_usdc")).toBeNull();
    expect((await ctl.log({ path: CONFIG_PATH })).map((e) => e.query)).toEqual([
      "index_name=btc_usd",
      "index_name=btc_usd&mmp_group=mm1",
      "index_name=xrp_usdc",
    ]);
  });

  it("readLimits keeps a limit exact that JSON carries as 1e-7", async () => {
    await ctl.setScope({ apiKey: MAIN.apiKey, scope: "eth_usd", qtyLimit: "0.0000001" });
    expect(await readLimits(ctx(), "eth_usd")).toMatchObject({ qtyLimit: "0.0000001" });
  });

  it("setLimits sends ONE signed set_mmp_config (seconds, numbers, the group); it unfreezes the scope and the rows show the new values", async () => {
    const c = ctx();
    // Fills the adapter's config cache with the old values first.
    expect((await byScope(c, ["btc_usd/mm1"]))["btc_usd/mm1"]).toMatchObject({
      status: "frozen",
      windowMs: 3000,
    });
    const receipt = await setLimits(c, "btc_usd/mm1", limits());
    const log = await sets();
    expect(log).toHaveLength(1);
    // venueCode null: the simulator verified the signature over the exact body.
    expect(log[0]).toMatchObject({ method: "POST", venueCode: null });
    expect(JSON.parse(log[0]?.body ?? "{}")).toMatchObject({
      method: "private/set_mmp_config",
      params: {
        index_name: "btc_usd",
        mmp_group: "mm1",
        interval: 7,
        frozen_time: 30,
        quantity_limit: 1.25,
        max_quote_quantity: 2.5,
      },
    });
    expect(log[0]?.body).not.toMatch(/delta_limit|vega_limit/);
    expect(receipt.venueAnswer).toMatch(/^\{"result":\[\{"index_name":"btc_usd","mmp_group":"mm1"/);
    expect(await readLimits(c, "btc_usd/mm1")).toEqual(limits());
    expect((await byScope(c, ["btc_usd/mm1"]))["btc_usd/mm1"]).toMatchObject({
      status: "active",
      windowMs: 7000,
      qtyLimit: "1.25",
    });
  });

  it("interval 0 removes the configuration: the row reads DISABLED", async () => {
    const c = ctx();
    await setLimits(c, "btc_usd", limits({ windowMs: 0 }));
    expect(JSON.parse((await sets())[0]?.body ?? "{}").params).toMatchObject({ interval: 0 });
    expect((await byScope(c, ["btc_usd"])).btc_usd?.status).toBe("disabled");
  });

  it("a value the venue refuses comes back rejected with its words, after one call", async () => {
    const c = ctx();
    const err = await fail(setLimits(c, "btc_usd", limits({ qtyLimit: "0.12345" })));
    expect(err).toMatchObject({ kind: "rejected", details: { venueCode: "-32602" } });
    expect(err?.message).toContain(
      "Invalid params (quantity_limit must be a non-negative number with at most 4 decimals)",
    );
    expect(await sets()).toHaveLength(1);
    expect(await readLimits(c, "btc_usd")).toEqual(BTC_BEFORE);
  });

  it("refuses before sending what the venue could not take exactly: no MQQ, part seconds", async () => {
    for (const bad of [limits({ maxQuoteQty: null }), limits({ windowMs: 1500 })]) {
      const err = await fail(setLimits(ctx(), "btc_usd", bad));
      expect(err?.kind).toBe("rejected");
      expect(err?.message).toMatch(/nothing was sent$/);
    }
    expect(await sets()).toHaveLength(0);
  });

  it("a hang on the set is an unknown outcome within the timeout, sent once", async () => {
    await ctl.fault({ venue: "deribit", path: SET_PATH, kind: "hang" });
    const c = ctx(MAIN, { timeouts: { readMs: 1000, resetMs: 300 } });
    await deribitAdapter.serverTime(c);
    const started = Date.now();
    expect((await fail(setLimits(c, "btc_usd", limits())))?.kind).toBe("unknown_outcome");
    expect(Date.now() - started).toBeLessThan(1300);
    expect(await sets()).toHaveLength(1);
  });

  it.each([500, 503])("a %i on the set is an unknown outcome, sent once", async (status) => {
    await ctl.fault({ venue: "deribit", path: SET_PATH, kind: "status", status });
    expect((await fail(setLimits(ctx(), "btc_usd", limits())))?.kind).toBe("unknown_outcome");
    expect(await sets()).toHaveLength(1);
  });
});

describe("Deribit adapter: push", () => {
  function recorder() {
    const triggers: PushTrigger[] = [];
    const statuses: { connected: boolean; detail: string }[] = [];
    return {
      triggers,
      statuses,
      handlers: {
        onTrigger: (t: PushTrigger) => triggers.push(t),
        onStatus: (s: { connected: boolean; detail: string }) => statuses.push(s),
      },
      connectedCount: () => statuses.filter((s) => s.connected).length,
    };
  }
  const wsLog = async (method: string) =>
    (await ctl.log({ method: "WS" })).filter((e) => e.body.includes(`"${method}"`));
  const subscribe: NonNullable<typeof deribitAdapter.subscribe> = (...args) => {
    if (!deribitAdapter.subscribe) throw new Error("the Deribit adapter has no push channel");
    return deribitAdapter.subscribe(...args);
  };

  it("subscribes per index and delivers a trigger on our clock, groups included", async () => {
    const rec = recorder();
    const sub = subscribe(ctx(), ["btc_usd", "btc_usd/mm1"], rec.handlers);
    try {
      await waitFor(() => rec.connectedCount() === 1, 5000, 10);
      expect(rec.statuses[0]?.detail).toContain("user.mmp_trigger.btc_usd");
      const [subscribeMsg] = await wsLog("private/subscribe");
      expect(JSON.parse(subscribeMsg?.body ?? "{}").params).toEqual({
        channels: ["user.mmp_trigger.btc_usd"],
      });
      await ctl.freeze(MAIN.apiKey, "btc_usd");
      await waitFor(() => rec.triggers.length === 1, 2000, 5);
      expect(rec.triggers[0]?.scope).toBe("btc_usd");
      expect(rec.triggers[0]?.frozenUntil).toBeGreaterThan(Date.now() + 90_000);
      await ctl.freeze(MAIN.apiKey, "btc_usd/mm1");
      await waitFor(() => rec.triggers.length === 2, 2000, 5);
      expect(rec.triggers[1]).toEqual({ scope: "btc_usd/mm1", frozenUntil: null, blockRfq: false });
    } finally {
      await sub.close();
    }
  });

  it("reconnects after a drop, re-authenticates, re-subscribes and still delivers", async () => {
    const rec = recorder();
    const sub = subscribe(ctx(), ["btc_usd"], rec.handlers);
    try {
      await waitFor(() => rec.connectedCount() === 1, 5000, 10);
      expect(await dropWebsockets()).toEqual({ closed: 1 });
      await waitFor(() => rec.connectedCount() === 2, 5000, 10);
      expect(rec.statuses.map((s) => s.connected)).toEqual([true, false, true]);
      expect(rec.statuses[1]?.detail).toMatch(/reconnecting in \d+ ms/);
      expect(await wsLog("public/auth")).toHaveLength(2);
      expect(await wsLog("private/subscribe")).toHaveLength(2);
      await ctl.freeze(MAIN.apiKey, "btc_usd");
      await waitFor(() => rec.triggers.length === 1, 2000, 5);
      expect(rec.triggers[0]?.scope).toBe("btc_usd");
    } finally {
      await sub.close();
    }
  });

  it("ignores triggers of groups the desk does not watch", async () => {
    const rec = recorder();
    const sub = subscribe(ctx(), ["btc_usd"], rec.handlers);
    try {
      await waitFor(() => rec.connectedCount() === 1, 5000, 10);
      await ctl.freeze(MAIN.apiKey, "btc_usd/mm1");
      await ctl.freeze(MAIN.apiKey, "btc_usd");
      await waitFor(() => rec.triggers.length > 0, 2000, 5);
      expect(rec.triggers.map((t) => t.scope)).toEqual(["btc_usd"]);
    } finally {
      await sub.close();
    }
  });

  it("a wrong secret reports a clear disconnected status and keeps retrying until closed", async () => {
    const rec = recorder();
    const sub = subscribe(ctx(MAIN, {}, "wrong"), ["btc_usd"], rec.handlers);
    await waitFor(() => rec.statuses.length >= 2, 5000, 10);
    await sub.close();
    expect(rec.statuses.every((s) => !s.connected)).toBe(true);
    expect(rec.statuses[0]?.detail).toMatch(/invalid credentials or signature \(13009\)/);
  });

  it("a venue clock 70 s off fails one auth, re-syncs, then connects", async () => {
    const c = ctx();
    await deribitAdapter.readScopes(c, ["btc_usd"]);
    await ctl.skew(70_000, "deribit");
    const rec = recorder();
    const sub = subscribe(c, ["btc_usd"], rec.handlers);
    try {
      await waitFor(() => rec.connectedCount() === 1, 5000, 10);
      expect(rec.statuses.map((s) => s.connected)).toEqual([false, true]);
      expect(rec.statuses[0]?.detail).toMatch(/timestamp outside the venue's window \(13009\)/);
    } finally {
      await sub.close();
      await ctl.skew(0, "deribit");
      await deribitAdapter.readScopes(c, ["btc_usd"]);
    }
  });

  it("close() leaves no socket or timer behind", async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const rec = recorder();
    const sub = subscribe(ctx(), ["btc_usd", "eth_usd"], rec.handlers);
    await waitFor(() => rec.connectedCount() === 1, 5000, 10);
    await sub.close();
    expect(rec.statuses.at(-1)).toMatchObject({ connected: false });
    expect(await dropWebsockets()).toEqual({ closed: 0 });
    const after = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    expect(after).toBeLessThanOrEqual(before);
  });
});
