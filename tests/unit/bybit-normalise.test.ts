import { describe, expect, it } from "vitest";
import type { BybitMmp } from "@/lib/venues/bybit/normalise";
import { normaliseBybit } from "@/lib/venues/bybit/normalise";

const raw = (over: Partial<BybitMmp> = {}): BybitMmp => ({
  baseCoin: "BTC",
  mmpEnabled: true,
  window: "5000",
  frozenPeriod: "100000",
  qtyLimit: "0.01",
  deltaLimit: "0.01",
  vegaLimit: "500000",
  mmpFrozenUntil: "1675760625519",
  mmpFrozen: false,
  ...over,
});

describe("normaliseBybit", () => {
  it("not frozen: ignores mmpFrozenUntil, keeps string limits and the vega limit", () => {
    expect(normaliseBybit(raw(), 0)).toMatchObject({
      status: "active",
      frozenUntil: null,
      windowMs: 5000,
      frozenPeriodMs: 100000,
      qtyLimit: "0.01",
      vegaLimit: "500000",
    });
  });

  it("frozen: until mmpFrozenUntil on the server clock, trigger derived", () => {
    const s = normaliseBybit(raw({ mmpFrozen: true }), 1000);
    expect(s).toMatchObject({
      status: "frozen",
      frozenUntil: 1675760624519,
      lastTriggerAt: 1675760524519,
    });
  });

  it('frozen period "0" = frozen until manual reset', () => {
    expect(
      normaliseBybit(raw({ mmpFrozen: true, frozenPeriod: "0", mmpFrozenUntil: "0" }), 0),
    ).toMatchObject({
      status: "frozen",
      frozenUntil: null,
      frozenPeriodMs: 0,
    });
  });

  it("mmpEnabled false → DISABLED; no vegaLimit (older accounts) → n/a", () => {
    expect(normaliseBybit(raw({ mmpEnabled: false }), 0).status).toBe("disabled");
    expect(normaliseBybit(raw({ vegaLimit: undefined }), 0).vegaLimit).toBeNull();
  });
});
