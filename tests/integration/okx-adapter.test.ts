import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Secret } from "@/lib/config/secret";
import { startSimulator } from "@/simulator";
import type { SimAccountSpec, SimHandle, SimScopeSpec } from "@/simulator/types";
import { syncClock } from "@/lib/venues/clock";
import { VenueError } from "@/lib/venues/errors";
import { okxAdapter } from "@/lib/venues/okx/adapter";
import { clockKey } from "@/lib/venues/okx/request";
import type { AdapterContext } from "@/lib/venues/types";
import type { MmpLimits } from "@/lib/model/limits";
import { simControl } from "../support/sim-client";

// The OKX adapter against an in-process simulator over real HTTP. The accounts are defined here
// (the shared fixtures have no OKX account).

// OKX has no delta limit: "0" means none to the simulator's state machine.
const scope = (s: string, over: Partial<SimScopeSpec> = {}): SimScopeSpec => ({
  scope: s,
  windowMs: 5000,
  frozenPeriodMs: 100_000,
  qtyLimit: "25",
  deltaLimit: "0",
  ...over,
});
const MANY = ["ADA-USD", "DOGE-USD", "LTC-USD", "XRP-USD", "BCH-USD", "DOT-USD", "TRX-USD"];

const MAIN: SimAccountSpec = {
  id: "okx-main",
  venue: "okx",
  apiKey: "okxMainKey01",
  secret: "okx-main-secret",
  passphrase: "Main-Pass-1",
  scopes: [
    scope("BTC-USD", { frozenPeriodMs: 0, qtyLimit: "100", triggeredAt: "now" }),
    scope("ETH-USD", { windowMs: 3000, qtyLimit: "50.5" }),
    scope("SOL-USD", { enabled: false }),
    ...MANY.map((s) => scope(s)),
  ],
};
const DEMO: SimAccountSpec = {
  id: "okx-demo",
  venue: "okx",
  apiKey: "okxDemoKey01",
  secret: "okx-demo-secret",
  passphrase: "Demo-Pass-1",
  demoTrading: true,
  scopes: [scope("BTC-USD", { frozenPeriodMs: 0, triggeredAt: "now" })],
};

let sim: SimHandle;
let ctl: ReturnType<typeof simControl>;
let n = 0;

interface CtxOpts {
  account?: SimAccountSpec;
  secret?: string;
  passphrase?: string | null;
  over?: Partial<AdapterContext>;
  url?: string;
}
function ctx(o: CtxOpts = {}): AdapterContext {
  const account = o.account ?? MAIN;
  const passphrase = o.passphrase === undefined ? (account.passphrase ?? "") : o.passphrase;
  n += 1;
  return {
    accountId: `okx${n}`,
    baseUrl: o.url ?? sim.url,
    credentials: {
      apiKey: account.apiKey,
      apiSecret: new Secret(o.secret ?? account.secret),
      passphrase: passphrase === null ? null : new Secret(passphrase),
      keyType: "hmac",
    },
    timeouts: { readMs: 1000, resetMs: 1000 },
    demoTrading: account.demoTrading ?? false,
    ...o.over,
  };
}
const RESET = "/api/v5/account/mmp-reset";
const CONFIG = "/api/v5/account/mmp-config";
const resets = async () => (await ctl.log({ path: RESET })).length;
const fail = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as VenueError,
  );
/** The app's clock offset is process-wide: re-measure it so one test's skew never leaks. */
const resync = (c = ctx()) => syncClock(clockKey(c), () => okxAdapter.serverTime(c));

beforeAll(async () => {
  sim = await startSimulator({ accounts: [MAIN, DEMO] });
  ctl = simControl(sim.url);
});
afterAll(() => sim.close());
beforeEach(async () => {
  await ctl.restore();
  await resync();
  await ctl.clearLog();
});

describe("OKX adapter against the simulator", () => {
  it("reads state: FROZEN until manual reset, ACTIVE, DISABLED, not configured; no delta/vega", async () => {
    const reads = await okxAdapter.readScopes(ctx(), ["BTC-USD", "ETH-USD", "SOL-USD", "AVAX-USD"]);
    const by = Object.fromEntries(reads.map((r) => [r.scope, r.state]));
    expect(by["BTC-USD"]).toMatchObject({
      status: "frozen",
      frozenUntil: null,
      frozenPeriodMs: 0,
      qtyLimit: "100",
      deltaLimit: null,
      vegaLimit: null,
    });
    expect(by["ETH-USD"]).toEqual({
      status: "active",
      frozenUntil: null,
      windowMs: 3000,
      frozenPeriodMs: 100_000,
      qtyLimit: "50.5",
      deltaLimit: null,
      vegaLimit: null,
      lastTriggerAt: null,
      problem: null,
    });
    expect(by["SOL-USD"]?.status).toBe("disabled");
    expect(by["AVAX-USD"]).toMatchObject({
      status: "disabled",
      problem: { code: "not_configured" },
    });
  });

  it("readScopes makes ONE upstream GET, without instFamily, for many scopes", async () => {
    const scopes = ["BTC-USD", "ETH-USD", "SOL-USD", ...MANY];
    const reads = await okxAdapter.readScopes(ctx(), scopes);
    expect(reads.map((r) => r.scope)).toEqual(scopes);
    expect(reads.filter((r) => r.state.status === "active")).toHaveLength(MANY.length + 1);
    const gets = await ctl.log({ path: CONFIG });
    expect(gets).toHaveLength(1);
    expect(gets[0]).toMatchObject({ method: "GET", query: "", venueCode: null });
  });

  it("lists every configured family from one mmp-config read", async () => {
    expect(await okxAdapter.listScopes(ctx())).toEqual(
      ["BTC-USD", "ETH-USD", "SOL-USD", ...MANY].sort(),
    );
    expect(await ctl.log({ path: CONFIG })).toHaveLength(1);
  });

  it("a timed freeze (epoch mmpFrozenUntil) has a countdown end on our clock", async () => {
    await ctl.freeze(MAIN.apiKey, "ETH-USD");
    const [eth] = await okxAdapter.readScopes(ctx(), ["ETH-USD"]);
    expect(eth?.state.status).toBe("frozen");
    expect(eth?.state.frozenUntil).toBeGreaterThan(Date.now() + 90_000);
    expect(eth?.state.frozenUntil).toBeLessThanOrEqual(Date.now() + 100_000 + 50);
    expect(eth?.state.lastTriggerAt).toBeGreaterThan(Date.now() - 5000);
  });

  it("handles the duration form of mmpFrozenUntil (simulator okxFrozenUntilAsDuration)", async () => {
    const other = await startSimulator({ accounts: [MAIN], okxFrozenUntilAsDuration: true });
    try {
      await simControl(other.url).freeze(MAIN.apiKey, "ETH-USD");
      const c = ctx({ url: other.url });
      const before = Date.now();
      const [eth, btc] = await okxAdapter.readScopes(c, ["ETH-USD", "BTC-USD"]);
      expect(eth?.state.status).toBe("frozen");
      // ~100 s left, anchored on our clock when the answer arrived.
      expect(eth?.state.frozenUntil).toBeGreaterThan(before + 90_000);
      expect(eth?.state.frozenUntil).toBeLessThanOrEqual(Date.now() + 100_000 + 50);
      expect(eth?.state.lastTriggerAt).toBeGreaterThan(before - 5000);
      expect(eth?.state.lastTriggerAt).toBeLessThanOrEqual(Date.now() + 50);
      expect(btc?.state).toMatchObject({ status: "frozen", frozenUntil: null });
    } finally {
      await other.close();
    }
  });

  it("a reset unfreezes, with exactly one reset request whose body is the signed JSON", async () => {
    const c = ctx();
    const receipt = await okxAdapter.reset(c, "BTC-USD");
    expect(receipt.venueAnswer).toBe('{"code":"0","data":[{"result":true}]}');
    const [btc] = await okxAdapter.readScopes(c, ["BTC-USD"]);
    expect(btc?.state.status).toBe("active");
    const log = await ctl.log({ path: RESET });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ method: "POST", venueCode: null });
    expect(log[0]?.body).toBe('{"instType":"OPTION","instFamily":"BTC-USD"}');
  });

  it("refuses a scope outside the instFamily pattern before any request", async () => {
    for (const bad of ["btc-usd", "BTC", "BTC-USD-SWAP", "BTC-USD&x=1"]) {
      expect(okxAdapter.scopePattern.test(bad)).toBe(false);
      expect((await fail(okxAdapter.reset(ctx(), bad)))?.kind).toBe("bad_scope");
    }
    expect(await resets()).toBe(0);
  });

  it("a wrong secret is a clear invalid-signature error (50113)", async () => {
    const err = await fail(okxAdapter.readScopes(ctx({ secret: "wrong" }), ["BTC-USD"]));
    expect(err?.kind).toBe("signature");
    expect(err?.details).toMatchObject({ venueCode: "50113", httpStatus: 401 });
    expect(err?.message).toBe("OKX: invalid signature (50113): Invalid Sign");
  });

  it("a wrong passphrase is a clear auth error (50105); a missing one sends nothing", async () => {
    const err = await fail(okxAdapter.reset(ctx({ passphrase: "Main-Pass-2" }), "BTC-USD"));
    expect(err?.kind).toBe("auth");
    expect(err?.details.venueCode).toBe("50105");
    expect(err?.message).toMatch(/^OKX: wrong passphrase \(50105\)/);
    expect(err?.message).not.toContain("Main-Pass");
    await ctl.clearLog();
    const none = await fail(okxAdapter.readScopes(ctx({ passphrase: null }), ["BTC-USD"]));
    expect(none?.kind).toBe("auth");
    expect(await ctl.log()).toHaveLength(0);
  });

  it.each([40_000, -40_000])(
    "absorbs a 50102 (venue clock %i ms off) by one re-sync and retry",
    async (skewMs) => {
      const c = ctx();
      await okxAdapter.readScopes(c, ["BTC-USD"]);
      await ctl.skew(skewMs, "okx");
      await ctl.clearLog();
      await okxAdapter.reset(c, "BTC-USD");
      const log = await ctl.log({ path: RESET });
      expect(log.map((e) => String(e.venueCode))).toEqual(["50102", "null"]);
      // Exactly one re-sync in between.
      expect(await ctl.log({ path: "/api/v5/public/time" })).toHaveLength(1);
      const [btc] = await okxAdapter.readScopes(c, ["BTC-USD"]);
      expect(btc?.state.status).toBe("active");
    },
  );

  it.each([500, 503])("a %i on reset is an unknown outcome, sent once", async (status) => {
    await ctl.fault({ venue: "okx", path: RESET, kind: "status", status });
    expect((await fail(okxAdapter.reset(ctx(), "BTC-USD")))?.kind).toBe("unknown_outcome");
    expect(await resets()).toBe(1);
  });

  it("a hang or a truncated answer on reset is an unknown outcome, sent once", async () => {
    await ctl.fault({ venue: "okx", path: RESET, kind: "hang", apply: true });
    const started = Date.now();
    const c = ctx({ over: { timeouts: { readMs: 1000, resetMs: 300 } } });
    expect((await fail(okxAdapter.reset(c, "BTC-USD")))?.kind).toBe("unknown_outcome");
    expect(Date.now() - started).toBeLessThan(1300);
    expect(await resets()).toBe(1);
    await ctl.fault({ venue: "okx", path: RESET, kind: "bad-json", apply: true });
    expect((await fail(okxAdapter.reset(ctx(), "ETH-USD")))?.kind).toBe("unknown_outcome");
    expect(await resets()).toBe(2);
  });

  it("sends x-simulated-trading: 1 for a demo-trading account, and only then", async () => {
    const [btc] = await okxAdapter.readScopes(ctx({ account: DEMO }), ["BTC-USD"]);
    expect(btc?.state.status).toBe("frozen");
    await okxAdapter.reset(ctx({ account: DEMO }), "BTC-USD");
    // The simulator refuses a demo key without the header and a live key with it (50101).
    const noHeader = await fail(
      okxAdapter.readScopes(ctx({ account: DEMO, over: { demoTrading: false } }), ["BTC-USD"]),
    );
    expect(noHeader).toMatchObject({ kind: "auth", details: { venueCode: "50101" } });
    expect(noHeader?.message).toMatch(/other environment/);
    const liveWithHeader = await fail(
      okxAdapter.readScopes(ctx({ over: { demoTrading: true } }), ["BTC-USD"]),
    );
    expect(liveWithHeader?.details.venueCode).toBe("50101");
  });

  it("the venue's rate limit (5 reads / 2 s) surfaces as rate_limited", async () => {
    const c = ctx();
    for (let i = 0; i < 5; i += 1) await okxAdapter.readScopes(c, ["BTC-USD"]);
    const err = await fail(okxAdapter.readScopes(c, ["BTC-USD"]));
    expect(err).toMatchObject({ kind: "rate_limited", details: { httpStatus: 429 } });
  });

  it.each([
    ["50011", "rate_limited"],
    ["50120", "auth"],
    ["50111", "auth"],
    ["51034", "rejected"],
    ["59999", "rejected"],
  ])("code %s in an HTTP 200 answer → %s", async (code, kind) => {
    await ctl.fault({
      venue: "okx",
      path: CONFIG,
      kind: "status",
      status: 200,
      retryAfterSec: 3,
      body: JSON.stringify({ code, msg: "venue text", data: [] }),
    });
    const err = await fail(okxAdapter.readScopes(ctx(), ["BTC-USD"]));
    expect(err).toMatchObject({ kind, details: { venueCode: code, venueMessage: "venue text" } });
    expect(err?.message).toMatch(new RegExp(`^OKX: .+ \\(${code}\\): venue text$`));
    if (kind === "rate_limited") expect(err?.details.retryAfterMs).toBe(3000);
  });

  it("51035 (no market-maker permission) reads as DISABLED for every scope, not an outage", async () => {
    await ctl.fault({
      venue: "okx",
      path: CONFIG,
      kind: "status",
      status: 200,
      body: JSON.stringify({ code: "51035", msg: "No market maker permission", data: [] }),
      times: 2,
    });
    const reads = await okxAdapter.readScopes(ctx(), ["BTC-USD", "ETH-USD"]);
    expect(reads.map((r) => [r.scope, r.state.status, r.state.problem?.code])).toEqual([
      ["BTC-USD", "disabled", "not_enabled"],
      ["ETH-USD", "disabled", "not_enabled"],
    ]);
    expect(reads[0]?.state.problem?.message).toMatch(/51035.*No market maker permission/);
    expect(await okxAdapter.listScopes(ctx())).toEqual([]);
  });

  it("a numeric code is not OKX's envelope: bad_response on a read", async () => {
    await ctl.fault({
      venue: "okx",
      path: CONFIG,
      kind: "status",
      status: 200,
      body: JSON.stringify({ code: 0, msg: "", data: [] }),
    });
    expect((await fail(okxAdapter.readScopes(ctx(), ["BTC-USD"])))?.kind).toBe("bad_response");
  });

  it("serverTime reads data[0].ts", async () => {
    await ctl.skew(12_345, "okx");
    const t = await okxAdapter.serverTime(ctx());
    expect(t - Date.now()).toBeGreaterThan(12_000);
    expect(t - Date.now()).toBeLessThan(12_700);
  });
});

describe("OKX adapter: limit changes", () => {
  const readLimits: NonNullable<typeof okxAdapter.readLimits> = (...args) => {
    if (!okxAdapter.readLimits) throw new Error("the OKX adapter cannot read limits");
    return okxAdapter.readLimits(...args);
  };
  const setLimits: NonNullable<typeof okxAdapter.setLimits> = (...args) => {
    if (!okxAdapter.setLimits) throw new Error("the OKX adapter cannot set limits");
    return okxAdapter.setLimits(...args);
  };
  const sets = async () => (await ctl.log({ path: CONFIG, method: "POST" })).length;
  const limits = (over: Partial<MmpLimits> = {}): MmpLimits => ({
    windowMs: 2000,
    frozenPeriodMs: 60_000,
    qtyLimit: "12.25",
    deltaLimit: null,
    vegaLimit: null,
    maxQuoteQty: null,
    ...over,
  });
  const ETH_BEFORE = limits({ windowMs: 3000, frozenPeriodMs: 100_000, qtyLimit: "50.5" });

  it("readLimits reads the family's mmp-config in desk units; MMP off is window 0; none is null", async () => {
    const c = ctx();
    expect(await readLimits(c, "ETH-USD")).toEqual(ETH_BEFORE);
    expect(await readLimits(c, "BTC-USD")).toEqual(
      limits({ windowMs: 5000, frozenPeriodMs: 0, qtyLimit: "100" }),
    );
    expect(await readLimits(c, "SOL-USD")).toMatchObject({ windowMs: 0 });
    expect(await readLimits(c, "AVAX-USD")).toBeNull();
    const gets = await ctl.log({ path: CONFIG });
    expect(gets.map((e) => [e.method, e.query, e.venueCode])).toEqual(
      ["ETH-USD", "BTC-USD", "SOL-USD", "AVAX-USD"].map((f) => ["GET", `instFamily=${f}`, null]),
    );
  });

  it("setLimits sends ONE signed POST mmp-config with string ms; the venue then reads the new values", async () => {
    const c = ctx();
    const receipt = await setLimits(c, "ETH-USD", limits());
    const wire =
      '{"instFamily":"ETH-USD","timeInterval":"2000","frozenInterval":"60000","qtyLimit":"12.25"}';
    const posts = await ctl.log({ path: CONFIG, method: "POST" });
    expect(posts).toHaveLength(1);
    // venueCode null: the simulator verified the signature, passphrase and timestamp.
    expect(posts[0]).toMatchObject({ status: 200, venueCode: null, body: wire });
    expect(receipt.venueAnswer).toBe(`{"code":"0","data":[${wire}]}`);
    expect(await readLimits(c, "ETH-USD")).toEqual(limits());
    const [eth] = await okxAdapter.readScopes(c, ["ETH-USD"]);
    expect(eth?.state).toMatchObject({ status: "active", windowMs: 2000, qtyLimit: "12.25" });
  });

  it("timeInterval 0 switches MMP off: the family reads DISABLED, window 0", async () => {
    const c = ctx();
    await setLimits(c, "ETH-USD", limits({ windowMs: 0 }));
    const [post] = await ctl.log({ path: CONFIG, method: "POST" });
    expect(JSON.parse(post?.body ?? "{}")).toMatchObject({ timeInterval: "0" });
    const [eth] = await okxAdapter.readScopes(c, ["ETH-USD"]);
    expect(eth?.state.status).toBe("disabled");
    expect(await readLimits(c, "ETH-USD")).toEqual(limits({ windowMs: 0 }));
  });

  it("a value OKX refuses comes back rejected with the venue's words, after one call", async () => {
    const c = ctx();
    const err = await fail(setLimits(c, "ETH-USD", limits({ qtyLimit: "0" })));
    expect(err).toMatchObject({
      kind: "rejected",
      details: { venueCode: "51000", venueMessage: "Parameter qtyLimit error" },
    });
    expect(err?.message).toBe("OKX: request rejected (51000): Parameter qtyLimit error");
    expect(await sets()).toBe(1);
    expect(await readLimits(c, "ETH-USD")).toEqual(ETH_BEFORE);
  });

  it("a bad scope or a missing required field is refused before anything is sent", async () => {
    expect((await fail(setLimits(ctx(), "btc-usd", limits())))?.kind).toBe("bad_scope");
    expect((await fail(readLimits(ctx(), "BTC-USD&x=1")))?.kind).toBe("bad_scope");
    const err = await fail(setLimits(ctx(), "ETH-USD", limits({ frozenPeriodMs: null })));
    expect(err?.kind).toBe("rejected");
    expect(err?.message).toMatch(/nothing was sent/);
    expect(await ctl.log({ path: CONFIG })).toHaveLength(0);
  });

  it("a hang on the set is an unknown outcome within the timeout, sent once", async () => {
    // apply: the venue did change it, and only a re-read can tell.
    await ctl.fault({ venue: "okx", method: "POST", path: CONFIG, kind: "hang", apply: true });
    const c = ctx({ over: { timeouts: { readMs: 1000, resetMs: 300 } } });
    const started = Date.now();
    expect((await fail(setLimits(c, "ETH-USD", limits())))?.kind).toBe("unknown_outcome");
    expect(Date.now() - started).toBeLessThan(1300);
    expect(await sets()).toBe(1);
    expect(await readLimits(c, "ETH-USD")).toEqual(limits());
  });

  it.each([500, 503])("a %i on the set is an unknown outcome, sent once", async (status) => {
    await ctl.fault({ venue: "okx", method: "POST", path: CONFIG, kind: "status", status });
    expect((await fail(setLimits(ctx(), "ETH-USD", limits())))?.kind).toBe("unknown_outcome");
    expect(await sets()).toBe(1);
  });
});
