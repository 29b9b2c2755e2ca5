import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Secret } from "@/lib/config/secret";
import { startSimulator } from "@/simulator";
import type { SimHandle } from "@/simulator/types";
import { binanceAdapter } from "@/lib/venues/binance/adapter";
import { VenueError } from "@/lib/venues/errors";
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
