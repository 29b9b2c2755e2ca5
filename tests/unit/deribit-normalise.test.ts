import { describe, expect, it } from "vitest";
import {
  normaliseDeribit,
  sameGroup,
  type DeribitConfig,
  type DeribitStatus,
} from "@/lib/venues/deribit/normalise";
import { DERIBIT_SCOPE_PATTERN, parseDeribitScope } from "@/lib/venues/deribit/scope";

const NOW = 1_700_000_000_000;
const clock = { offsetMs: 0, venueNowMs: NOW };

const config = (over: Partial<DeribitConfig> = {}): DeribitConfig => ({
  index_name: "btc_usd",
  interval: 5,
  frozen_time: 100,
  quantity_limit: "0.5",
  delta_limit: "0.3",
  vega_limit: "1000",
  ...over,
});
const status = (over: Partial<DeribitStatus> = {}): DeribitStatus => ({
  index_name: "btc_usd",
  frozen_until: NOW + 60_000,
  ...over,
});

describe("normaliseDeribit", () => {
  it("converts interval and frozen_time from seconds to ms; not listed as triggered = ACTIVE", () => {
    expect(normaliseDeribit(config(), null, clock)).toEqual({
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
  });

  it("a triggered entry is FROZEN until frozen_until on our clock, trigger time derived", () => {
    const s = normaliseDeribit(config(), status(), { offsetMs: 2000, venueNowMs: NOW });
    expect(s).toMatchObject({
      status: "frozen",
      frozenUntil: NOW + 58_000,
      lastTriggerAt: NOW + 60_000 - 100_000 - 2000,
    });
  });

  it("frozen_until 0 = frozen until manual reset", () => {
    expect(
      normaliseDeribit(config({ frozen_time: 0 }), status({ frozen_until: 0 }), clock),
    ).toMatchObject({
      status: "frozen",
      frozenUntil: null,
      frozenPeriodMs: 0,
      lastTriggerAt: null,
    });
  });

  it("a timed freeze already over is ACTIVE even if still listed", () => {
    expect(normaliseDeribit(config(), status({ frozen_until: NOW - 1 }), clock).status).toBe(
      "active",
    );
  });

  it("interval 0 = MMP removed → DISABLED, also when listed as triggered", () => {
    expect(normaliseDeribit(config({ interval: 0 }), null, clock).status).toBe("disabled");
    expect(normaliseDeribit(config({ interval: 0 }), status(), clock).status).toBe("disabled");
  });

  it("absent limits are n/a (null), never 0", () => {
    const s = normaliseDeribit(
      config({ delta_limit: undefined, vega_limit: null, quantity_limit: "2" }),
      null,
      clock,
    );
    expect(s).toMatchObject({ qtyLimit: "2", deltaLimit: null, vegaLimit: null });
  });
});

describe("Deribit status merge key", () => {
  it("matches by (index, group); no group and an empty group are the default group", () => {
    const idx = { index_name: "btc_usd", mmp_group: null };
    expect(sameGroup({ index_name: "btc_usd" }, idx)).toBe(true);
    expect(sameGroup({ index_name: "btc_usd", mmp_group: "" }, idx)).toBe(true);
    expect(sameGroup({ index_name: "btc_usd", mmp_group: "mm1" }, idx)).toBe(false);
    expect(sameGroup({ index_name: "eth_usd" }, idx)).toBe(false);
    expect(
      sameGroup(
        { index_name: "btc_usd", mmp_group: "mm1" },
        { index_name: "btc_usd", mmp_group: "mm1" },
      ),
    ).toBe(true);
  });
});

describe("Deribit scopes", () => {
  it.each(["btc_usd", "eth_usdc", "btc_usd/mm1", "btc_usd/Mass-Quote_7"])("accepts %s", (s) => {
    expect(DERIBIT_SCOPE_PATTERN.test(s)).toBe(true);
  });

  it.each([
    "BTC_USD",
    "btc",
    "btc_usd/",
    "btc_usd/a/b",
    "btc_usd/bad group",
    `btc_usd/${"g".repeat(33)}`,
  ])("refuses %s", (s) => {
    expect(DERIBIT_SCOPE_PATTERN.test(s)).toBe(false);
  });

  it("splits index and group", () => {
    expect(parseDeribitScope("btc_usd")).toEqual({ index: "btc_usd", group: null });
    expect(parseDeribitScope("btc_usd/mm1")).toEqual({ index: "btc_usd", group: "mm1" });
    expect(() => parseDeribitScope("BTC")).toThrow(/not an index_name/);
  });
});
