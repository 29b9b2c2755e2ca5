import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Secret } from "@/lib/config/secret";
import { startSimulator } from "@/simulator";
import type { SimHandle } from "@/simulator/types";
import { binanceAdapter } from "@/lib/venues/binance/adapter";
import { VenueError } from "@/lib/venues/errors";
import type { MmpLimits } from "@/lib/model/limits";
import type { AdapterContext } from "@/lib/venues/types";
import { FIXTURE_ACCOUNTS, simAccounts } from "../support/fixtures";
import { simControl } from "../support/sim-client";

// The Binance adapter against the simulator over real HTTP: signing, clock re-sync, error
// mapping and the unknown-outcome rule.

const main = FIXTURE_ACCOUNTS.find((a) => a.id === "bn-main")!;
let sim: SimHandle;
let ctl: ReturnType<typeof simControl>;
let ctxCount = 0;

// A fresh accountId + baseUrl query per context keeps clock offsets and reset memory separate.
function ctx(over: Partial<AdapterContext> = {}, secret = main.secret): AdapterContext {
  ctxCount += 1;
  return {
    accountId: `t${ctxCount}`,
    baseUrl: sim.url,
    credentials: {
      apiKey: main.apiKey,
      apiSecret: new Secret(secret),
      passphrase: null,
      keyType: "hmac",
    },
    timeouts: { readMs: 1000, resetMs: 1000 },
    demoTrading: false,
    ...over,
  };
}

const resets = async () => (await ctl.log({ path: "/eapi/v1/mmpReset" })).length;

beforeAll(async () => {
  sim = await startSimulator({ accounts: simAccounts() });
  ctl = simControl(sim.url);
});
afterAll(() => sim.close());
beforeEach(() => ctl.restore());

describe("Binance adapter against the simulator", () => {
  it("reads limits and derives FROZEN / ACTIVE / DISABLED", async () => {
    const reads = await binanceAdapter.readScopes(ctx(), ["BTCUSDT", "ETHUSDT", "BNBUSDT"]);
    const by = Object.fromEntries(reads.map((r) => [r.scope, r.state]));
    expect(by.BTCUSDT).toMatchObject({
      status: "frozen",
      frozenUntil: null,
      frozenPeriodMs: 0,
      qtyLimit: "25",
      deltaLimit: "12.5",
      vegaLimit: null,
    });
    expect(by.ETHUSDT).toMatchObject({ status: "active", windowMs: 5000, frozenPeriodMs: 60000 });
    expect(by.BNBUSDT).toMatchObject({ status: "disabled" });
    expect(by.BNBUSDT?.problem?.message).toContain("-6006");
  });

  it("lists underlyings from exchangeInfo", async () => {
    const scopes = await binanceAdapter.listScopes(ctx());
    expect(scopes).toEqual(expect.arrayContaining(["BTCUSDT", "ETHUSDT", "SOLUSDT"]));
  });

  it("a reset unfreezes the row, with exactly one reset request", async () => {
    const c = ctx();
    await binanceAdapter.reset(c, "BTCUSDT");
    const [row] = await binanceAdapter.readScopes(c, ["BTCUSDT"]);
    expect(row?.state.status).toBe("active");
    expect(await resets()).toBe(1);
  });

  it("a wrong secret is a clear invalid-signature error", async () => {
    const err = await binanceAdapter
      .readScopes(ctx({}, "not-the-secret"), ["BTCUSDT"])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).kind).toBe("signature");
    expect((err as VenueError).details.venueCode).toBe("-1022");
    expect((err as VenueError).message).toMatch(/invalid signature/);
  });

  it("absorbs a venue clock 3 s behind us by re-syncing and retrying once", async () => {
    const c = ctx();
    await binanceAdapter.serverTime(c);
    await binanceAdapter.readScopes(c, ["BTCUSDT"]); // syncs the clock at skew 0
    await ctl.skew(-3000, "binance");
    await ctl.clearLog();
    await binanceAdapter.reset(c, "BTCUSDT");
    const log = await ctl.log({ path: "/eapi/v1/mmpReset" });
    expect(log).toHaveLength(2);
    expect(String(log[0]?.venueCode)).toBe("-1021");
    expect(log[1]?.status).toBe(200);
    expect(await ctl.log({ path: "/eapi/v1/time" })).toHaveLength(1);
  });

  it("absorbs a venue clock 3 s ahead of us (inside recvWindow or after a re-sync)", async () => {
    const c = ctx();
    await binanceAdapter.readScopes(c, ["BTCUSDT"]);
    await ctl.skew(3000, "binance");
    await binanceAdapter.reset(c, "BTCUSDT");
    const [row] = await binanceAdapter.readScopes(c, ["BTCUSDT"]);
    expect(row?.state.status).toBe("active");
  });

  it.each([500, 503])("a %i on reset is an unknown outcome, sent once", async (status) => {
    const c = ctx();
    await binanceAdapter.readScopes(c, ["BTCUSDT"]);
    await ctl.fault({ path: "/eapi/v1/mmpReset", kind: "status", status });
    const err = await binanceAdapter.reset(c, "BTCUSDT").catch((e: unknown) => e);
    expect((err as VenueError).kind).toBe("unknown_outcome");
    expect(await resets()).toBe(1);
  });

  it("a hang beyond the timeout is an unknown outcome, sent once", async () => {
    const c = ctx({ timeouts: { readMs: 1000, resetMs: 300 } });
    await binanceAdapter.readScopes(c, ["BTCUSDT"]);
    await ctl.fault({ path: "/eapi/v1/mmpReset", kind: "hang" });
    const started = Date.now();
    const err = await binanceAdapter.reset(c, "BTCUSDT").catch((e: unknown) => e);
    expect((err as VenueError).kind).toBe("unknown_outcome");
    expect(Date.now() - started).toBeLessThan(1300);
    expect(await resets()).toBe(1);
  });

  it("a dropped connection on reset is an unknown outcome; truncated JSON too", async () => {
    const c = ctx();
    await binanceAdapter.readScopes(c, ["BTCUSDT"]);
    await ctl.fault({ path: "/eapi/v1/mmpReset", kind: "drop" });
    expect(
      ((await binanceAdapter.reset(c, "BTCUSDT").catch((e: unknown) => e)) as VenueError).kind,
    ).toBe("unknown_outcome");
    await ctl.fault({ path: "/eapi/v1/mmpReset", kind: "bad-json", apply: true });
    expect(
      ((await binanceAdapter.reset(c, "BTCUSDT").catch((e: unknown) => e)) as VenueError).kind,
    ).toBe("unknown_outcome");
    expect(await resets()).toBe(2);
  });

  it("429 with Retry-After is rate_limited and carries the wait", async () => {
    await ctl.fault({ path: "/eapi/v1/mmp", kind: "status", status: 429, retryAfterSec: 7 });
    const err = await binanceAdapter.readScopes(ctx(), ["BTCUSDT"]).catch((e: unknown) => e);
    expect((err as VenueError).kind).toBe("rate_limited");
    expect((err as VenueError).details.retryAfterMs).toBe(7000);
  });

  it("an unreachable venue is 'unavailable', never 'unknown outcome'", async () => {
    const err = await binanceAdapter
      .reset(ctx({ baseUrl: "http://127.0.0.1:1" }), "BTCUSDT")
      .catch((e: unknown) => e);
    expect((err as VenueError).kind).toBe("unavailable");
  });
});

describe("Binance MMP limits (issue 15)", () => {
  // Optional on the interface; this adapter must have both (a missing one fails every test).
  const readLimits = (c: AdapterContext, scope: string) => binanceAdapter.readLimits!(c, scope);
  const setLimits = (c: AdapterContext, scope: string, limits: MmpLimits) =>
    binanceAdapter.setLimits!(c, scope, limits);
  const sets = async () => await ctl.log({ path: "/eapi/v1/mmpSet" });
  const eth = {
    windowMs: 2500,
    frozenPeriodMs: 30000,
    qtyLimit: "120.5",
    deltaLimit: "40",
    vegaLimit: null,
    maxQuoteQty: null,
  };

  it("readLimits gives the fixture's limits in desk units, canonical; null without a rule", async () => {
    const c = ctx();
    expect(await readLimits(c, "BTCUSDT")).toEqual({
      windowMs: 3000,
      frozenPeriodMs: 0,
      qtyLimit: "25",
      deltaLimit: "12.5",
      vegaLimit: null,
      maxQuoteQty: null,
    });
    await ctl.setScope({ apiKey: main.apiKey, scope: "ETHUSDT", qtyLimit: "250.500" });
    expect(await readLimits(c, "ETHUSDT")).toMatchObject({
      windowMs: 5000,
      frozenPeriodMs: 60000,
      qtyLimit: "250.5",
      deltaLimit: "80",
    });
    expect(await readLimits(c, "BNBUSDT")).toBeNull(); // -6006, disabled
  });

  it("setLimits sends one signed mmpSet with all five fields; a re-read shows them", async () => {
    const c = ctx();
    const receipt = await setLimits(c, "ETHUSDT", eth);
    const log = await sets();
    expect(log).toHaveLength(1);
    expect(log[0]?.status).toBe(200);
    expect(log[0]?.body).toMatch(
      /^underlying=ETHUSDT&windowTimeInMilliseconds=2500&frozenTimeInMilliseconds=30000&qtyLimit=120\.5&deltaLimit=40&recvWindow=5000&timestamp=\d+&signature=[0-9a-f]{64}$/,
    );
    expect(receipt?.venueAnswer).toContain('"windowTimeInMilliseconds":2500');
    expect(receipt?.venueAnswer.length).toBeLessThanOrEqual(500);
    expect(receipt?.venueAnswer).not.toContain(main.secret);
    expect(await readLimits(c, "ETHUSDT")).toEqual(eth);
  });

  it.each([
    ["a window over 5000 ms", { windowMs: 6000 }, "-6001"],
    ["a negative frozen time", { frozenPeriodMs: -1 }, "-6002"],
    ["a zero qty limit", { qtyLimit: "0" }, "-6040"],
  ])("%s is refused by the venue: rejected with its code, one call", async (_n, patch, code) => {
    const c = ctx();
    const err = await setLimits(c, "ETHUSDT", { ...eth, ...patch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).kind).toBe("rejected");
    expect((err as VenueError).details.venueCode).toBe(code);
    expect(await sets()).toHaveLength(1);
    expect((await readLimits(c, "ETHUSDT"))?.windowMs).toBe(5000);
  });

  it("a field Binance does not have is refused before anything is sent", async () => {
    const err = await setLimits(ctx(), "ETHUSDT", { ...eth, vegaLimit: "10" }).catch(
      (e: unknown) => e,
    );
    expect((err as VenueError).kind).toBe("rejected");
    expect(await sets()).toHaveLength(0);
  });

  it("a hang on mmpSet is an unknown outcome, sent once", async () => {
    const c = ctx({ timeouts: { readMs: 1000, resetMs: 300 } });
    await readLimits(c, "ETHUSDT");
    await ctl.fault({ path: "/eapi/v1/mmpSet", kind: "hang" });
    const started = Date.now();
    const err = await setLimits(c, "ETHUSDT", eth).catch((e: unknown) => e);
    expect((err as VenueError).kind).toBe("unknown_outcome");
    expect(Date.now() - started).toBeLessThan(1300);
    expect(await sets()).toHaveLength(1);
  });

  it("a 500 with the change applied is an unknown outcome, sent once", async () => {
    const c = ctx();
    await ctl.fault({ path: "/eapi/v1/mmpSet", kind: "status", status: 500, apply: true });
    const err = await setLimits(c, "ETHUSDT", eth).catch((e: unknown) => e);
    expect((err as VenueError).kind).toBe("unknown_outcome");
    expect(await sets()).toHaveLength(1);
    expect(await readLimits(c, "ETHUSDT")).toEqual(eth);
  });
});
