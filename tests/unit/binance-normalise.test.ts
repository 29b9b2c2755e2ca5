import { describe, expect, it } from "vitest";
import type { BinanceMmp } from "@/lib/venues/binance/normalise";
import { normaliseBinance } from "@/lib/venues/binance/normalise";

const raw = (over: Partial<BinanceMmp> = {}): BinanceMmp => ({
  underlying: "BTCUSDT",
  windowTimeInMilliseconds: 3000,
  frozenTimeInMilliseconds: 300_000,
  qtyLimit: "2",
  deltaLimit: "2.3",
  lastTriggerTime: 0,
  ...over,
});
const NOW = 1_700_000_000_000;
const ctx = { venueNowMs: NOW, offsetMs: 0, clearedTriggerAt: null };

describe("normaliseBinance", () => {
  it("never triggered → ACTIVE, limits kept as strings, no vega limit (n/a)", () => {
    const s = normaliseBinance(raw(), ctx);
    expect(s).toMatchObject({
      status: "active",
      frozenUntil: null,
      windowMs: 3000,
      frozenPeriodMs: 300_000,
    });
    expect(s).toMatchObject({
      qtyLimit: "2",
      deltaLimit: "2.3",
      vegaLimit: null,
      lastTriggerAt: null,
    });
  });

  it("triggered within the frozen period → FROZEN until trigger + period", () => {
    const s = normaliseBinance(raw({ lastTriggerTime: NOW - 1000 }), ctx);
    expect(s.status).toBe("frozen");
    expect(s.frozenUntil).toBe(NOW - 1000 + 300_000);
  });

  it("frozen period elapsed → ACTIVE, last trigger still reported", () => {
    const s = normaliseBinance(raw({ lastTriggerTime: NOW - 300_001 }), ctx);
    expect(s).toMatchObject({ status: "active", lastTriggerAt: NOW - 300_001 });
  });

  it("frozen period 0 → FROZEN until manual reset (frozenUntil null)", () => {
    const s = normaliseBinance(
      raw({ frozenTimeInMilliseconds: 0, lastTriggerTime: NOW - 86_400_000 }),
      ctx,
    );
    expect(s).toMatchObject({ status: "frozen", frozenUntil: null, frozenPeriodMs: 0 });
  });

  it("the trigger our reset cleared stays cleared even if the venue keeps lastTriggerTime", () => {
    const trigger = NOW - 5000;
    const s = normaliseBinance(raw({ frozenTimeInMilliseconds: 0, lastTriggerTime: trigger }), {
      ...ctx,
      clearedTriggerAt: trigger,
    });
    expect(s.status).toBe("active");
  });

  it("a trigger after the one our reset cleared freezes again", () => {
    const s = normaliseBinance(raw({ frozenTimeInMilliseconds: 0, lastTriggerTime: NOW - 100 }), {
      ...ctx,
      clearedTriggerAt: NOW - 5000,
    });
    expect(s.status).toBe("frozen");
  });

  it("a venue that zeroes lastTriggerTime on reset shows ACTIVE", () => {
    expect(
      normaliseBinance(raw({ frozenTimeInMilliseconds: 0, lastTriggerTime: 0 }), ctx).status,
    ).toBe("active");
  });

  it("converts venue times to the server clock using the offset", () => {
    const s = normaliseBinance(raw({ lastTriggerTime: NOW - 1000 }), { ...ctx, offsetMs: 3000 });
    expect(s.lastTriggerAt).toBe(NOW - 4000);
    expect(s.frozenUntil).toBe(NOW - 1000 + 300_000 - 3000);
  });

  it("window 0 → DISABLED", () => {
    expect(normaliseBinance(raw({ windowTimeInMilliseconds: 0 }), ctx).status).toBe("disabled");
  });
});
