import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Secret } from "@/lib/config/secret";
import { startSimulator } from "@/simulator";
import type { SimHandle } from "@/simulator/types";
import { bybitAdapter } from "@/lib/venues/bybit/adapter";
import { VenueError } from "@/lib/venues/errors";
import type { MmpLimits } from "@/lib/model/limits";
import type { AdapterContext } from "@/lib/venues/types";
import { fixtureAccount, simAccounts } from "../support/fixtures";
import { simControl } from "../support/sim-client";

// The Bybit adapter against the simulator over real HTTP.

const main = fixtureAccount("bb-main");
let sim: SimHandle;
let ctl: ReturnType<typeof simControl>;
let n = 0;

function ctx(
  account = main,
  over: Partial<AdapterContext> = {},
  secret = account.secret,
): AdapterContext {
  n += 1;
  return {
    accountId: `bb${n}`,
    baseUrl: sim.url,
    credentials: {
      apiKey: account.apiKey,
      apiSecret: new Secret(secret),
      passphrase: null,
      keyType: account.keyType ?? "hmac",
    },
    timeouts: { readMs: 1000, resetMs: 1000 },
    demoTrading: false,
    ...over,
  };
}
const resets = async () => (await ctl.log({ path: "/v5/account/mmp-reset" })).length;
const fail = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as VenueError,
  );

beforeAll(async () => {
  sim = await startSimulator({ accounts: simAccounts() });
  ctl = simControl(sim.url);
});
afterAll(() => sim.close());
beforeEach(() => ctl.restore());

describe("Bybit adapter against the simulator", () => {
  it("reads state: FROZEN until manual reset, ACTIVE with vega limit, DISABLED, n/a vega", async () => {
    const reads = await bybitAdapter.readScopes(ctx(), ["BTC", "ETH", "SOL", "XRP"]);
    const by = Object.fromEntries(reads.map((r) => [r.scope, r.state]));
    expect(by.BTC).toMatchObject({
      status: "frozen",
      frozenUntil: null,
      frozenPeriodMs: 0,
      vegaLimit: "500000",
    });
    expect(by.ETH).toMatchObject({
      status: "active",
      windowMs: 5000,
      frozenPeriodMs: 100000,
      vegaLimit: "250000",
    });
    expect(by.SOL).toMatchObject({ status: "active", vegaLimit: null });
    expect(by.XRP?.status).toBe("disabled");
  });

  it("a freeze with a finite period has a countdown end on our clock", async () => {
    await ctl.freeze(main.apiKey, "ETH");
    const [eth] = await bybitAdapter.readScopes(ctx(), ["ETH"]);
    expect(eth?.state.status).toBe("frozen");
    expect(eth?.state.frozenUntil).toBeGreaterThan(Date.now() + 90_000);
    expect(eth?.state.frozenUntil).toBeLessThanOrEqual(Date.now() + 100_000 + 50);
  });

  it("an account without MMP shows DISABLED, not an error", async () => {
    const [btc] = await bybitAdapter.readScopes(ctx(fixtureAccount("bb-notmm")), ["BTC"]);
    expect(btc?.state.status).toBe("disabled");
    expect(btc?.state.problem?.message).toContain("3500713");
  });

  it("lists base coins from instruments-info", async () => {
    expect(await bybitAdapter.listScopes(ctx())).toEqual(
      expect.arrayContaining(["BTC", "ETH", "SOL"]),
    );
  });

  it("a reset unfreezes, with exactly one reset request whose body is the signed JSON", async () => {
    const c = ctx();
    await bybitAdapter.reset(c, "BTC");
    const [btc] = await bybitAdapter.readScopes(c, ["BTC"]);
    expect(btc?.state.status).toBe("active");
    const log = await ctl.log({ path: "/v5/account/mmp-reset" });
    expect(log).toHaveLength(1);
    expect(log[0]?.body).toBe('{"baseCoin":"BTC"}');
  });

  it("a wrong secret is a clear invalid-signature error (10004)", async () => {
    const err = await fail(bybitAdapter.readScopes(ctx(main, {}, "wrong"), ["BTC"]));
    expect(err?.kind).toBe("signature");
    expect(err?.details.venueCode).toBe("10004");
    expect(err?.message).toMatch(/invalid signature/);
  });

  it("absorbs a 10002 (venue clock 3 s behind) by one re-sync and retry", async () => {
    const c = ctx();
    await bybitAdapter.readScopes(c, ["BTC"]);
    await ctl.skew(-3000, "bybit");
    await ctl.clearLog();
    await bybitAdapter.reset(c, "BTC");
    const log = await ctl.log({ path: "/v5/account/mmp-reset" });
    expect(log.map((e) => String(e.venueCode))).toEqual(["10002", "null"]);
    const [btc] = await bybitAdapter.readScopes(c, ["BTC"]);
    expect(btc?.state.status).toBe("active");
  });

  it("signs with an RSA key pair", async () => {
    const rsa = fixtureAccount("bb-rsa");
    const [btc] = await bybitAdapter.readScopes(ctx(rsa), ["BTC"]);
    expect(btc?.state.status).toBe("frozen");
    await bybitAdapter.reset(ctx(rsa), "BTC");
    expect(await resets()).toBe(1);
  });

  it.each([500, 503])("a %i on reset is an unknown outcome, sent once", async (status) => {
    await ctl.fault({ venue: "bybit", path: "/v5/account/mmp-reset", kind: "status", status });
    expect((await fail(bybitAdapter.reset(ctx(), "BTC")))?.kind).toBe("unknown_outcome");
    expect(await resets()).toBe(1);
  });

  it("a hang is an unknown outcome within the timeout", async () => {
    await ctl.fault({ venue: "bybit", path: "/v5/account/mmp-reset", kind: "hang" });
    const started = Date.now();
    expect(
      (
        await fail(
          bybitAdapter.reset(ctx(main, { timeouts: { readMs: 1000, resetMs: 300 } }), "BTC"),
        )
      )?.kind,
    ).toBe("unknown_outcome");
    expect(Date.now() - started).toBeLessThan(1300);
  });

  it("429 / 10006 are rate limits; 403 is an IP ban", async () => {
    await ctl.fault({
      venue: "bybit",
      path: "/v5/account/mmp-state",
      kind: "status",
      status: 429,
      retryAfterSec: 3,
    });
    expect((await fail(bybitAdapter.readScopes(ctx(), ["BTC"])))?.kind).toBe("rate_limited");
    await ctl.fault({ venue: "bybit", path: "/v5/account/mmp-state", kind: "status", status: 403 });
    const ban = await fail(bybitAdapter.readScopes(ctx(), ["BTC"]));
    expect(ban?.kind).toBe("banned");
    expect(ban?.details.retryAfterMs).toBeGreaterThanOrEqual(600_000);
  });
});

describe("Bybit MMP limits (issue 15)", () => {
  // Optional on the interface; this adapter must have both (a missing one fails every test).
  const readLimits = (c: AdapterContext, scope: string) => bybitAdapter.readLimits!(c, scope);
  const setLimits = (c: AdapterContext, scope: string, limits: MmpLimits) =>
    bybitAdapter.setLimits!(c, scope, limits);
  const modifies = async () => await ctl.log({ path: "/v5/account/mmp-modify" });
  const eth = {
    windowMs: 3000,
    frozenPeriodMs: 500,
    qtyLimit: "12.5",
    deltaLimit: "7.25",
    vegaLimit: "1000",
    maxQuoteQty: null,
  };

  it("readLimits gives the fixture's limits in desk units; null without MMP", async () => {
    const c = ctx();
    expect(await readLimits(c, "BTC")).toEqual({
      windowMs: 5000,
      frozenPeriodMs: 0,
      qtyLimit: "30",
      deltaLimit: "15",
      vegaLimit: "500000",
      maxQuoteQty: null,
    });
    await ctl.setScope({ apiKey: main.apiKey, scope: "SOL", deltaLimit: "500.50" });
    expect(await readLimits(c, "SOL")).toMatchObject({
      deltaLimit: "500.5",
      vegaLimit: null,
    });
    expect(await readLimits(c, "XRP")).toBeNull(); // mmpEnabled false
    expect(await readLimits(c, "DOGE")).toBeNull(); // no entry
    expect(await readLimits(ctx(fixtureAccount("bb-notmm")), "BTC")).toBeNull();
  });

  it("setLimits sends one signed mmp-modify of strings; a re-read shows the change", async () => {
    const c = ctx();
    const receipt = await setLimits(c, "ETH", eth);
    const log = await modifies();
    expect(log).toHaveLength(1);
    expect(String(log[0]?.venueCode)).toBe("null");
    expect(log[0]?.body).toBe(
      '{"baseCoin":"ETH","window":"3000","frozenPeriod":"500","qtyLimit":"12.5","deltaLimit":"7.25","vegaLimit":"1000"}',
    );
    expect(receipt?.venueAnswer).toBe('{"retCode":0,"result":{}}');
    expect(await readLimits(c, "ETH")).toEqual(eth);
  });

  it("without a vega limit the body leaves vegaLimit out and the venue keeps its own", async () => {
    const c = ctx();
    await setLimits(c, "BTC", { ...eth, vegaLimit: null });
    const [entry] = await modifies();
    expect(entry?.body).not.toContain("vegaLimit");
    expect(await readLimits(c, "BTC")).toEqual({ ...eth, vegaLimit: "500000" });
  });

  it.each([
    ["three decimals", { qtyLimit: "0.001" }],
    ["a zero delta limit", { deltaLimit: "0" }],
  ])("%s is refused by the venue (10001): rejected, one call", async (_n, patch) => {
    const c = ctx();
    const err = await fail(setLimits(c, "ETH", { ...eth, ...patch }));
    expect(err?.kind).toBe("rejected");
    expect(err?.details.venueCode).toBe("10001");
    expect(err?.message).toContain("params error");
    expect(await modifies()).toHaveLength(1);
    expect((await readLimits(c, "ETH"))?.windowMs).toBe(5000);
  });

  it("a coin without MMP is not_enabled (110065), one call", async () => {
    const err = await fail(setLimits(ctx(), "XRP", eth));
    expect(err?.kind).toBe("not_enabled");
    expect(err?.details.venueCode).toBe("110065");
    expect(await modifies()).toHaveLength(1);
  });

  it("a hang on mmp-modify is an unknown outcome within the timeout, sent once", async () => {
    const c = ctx(main, { timeouts: { readMs: 1000, resetMs: 300 } });
    await readLimits(c, "ETH");
    await ctl.fault({ venue: "bybit", path: "/v5/account/mmp-modify", kind: "hang" });
    const started = Date.now();
    expect((await fail(setLimits(c, "ETH", eth)))?.kind).toBe("unknown_outcome");
    expect(Date.now() - started).toBeLessThan(1300);
    expect(await modifies()).toHaveLength(1);
  });
});
