import { describe, expect, it } from "vitest";
import { canonicalDecimal, compareDecimal, diffLimits, type MmpLimits } from "@/lib/model/limits";
import { VENUE_LIMITS, limitEffects, venueLimitsSchema } from "@/lib/model/venue-limits";

// The limits schema the "Edit limits" form and the server share (issue 15): each venue's units,
// ranges and precision, and hostile input refused before anything reaches a venue.

const binance: MmpLimits = {
  windowMs: 3000,
  frozenPeriodMs: 0,
  qtyLimit: "25",
  deltaLimit: "12.5",
  vegaLimit: null,
  maxQuoteQty: null,
};
const deribit: MmpLimits = {
  windowMs: 10_000,
  frozenPeriodMs: 60_000,
  qtyLimit: "2",
  deltaLimit: null,
  vegaLimit: "1000",
  maxQuoteQty: "5",
};
const firstError = (venue: "binance" | "bybit" | "okx" | "deribit", input: unknown) => {
  const r = venueLimitsSchema(venue).safeParse(input);
  return r.success ? null : (r.error.issues[0]?.message ?? "?");
};

describe("venue limits schema", () => {
  it("accepts the venue's values and writes decimals one way", () => {
    const parsed = venueLimitsSchema("binance").parse({ ...binance, deltaLimit: "12.50" });
    expect(parsed.deltaLimit).toBe("12.5");
    expect(venueLimitsSchema("deribit").parse(deribit)).toEqual(deribit);
  });

  it("refuses values outside the venue's range, naming the bound", () => {
    expect(firstError("binance", { ...binance, windowMs: 5001 })).toMatch(/between 1 and 5000 ms/);
    expect(firstError("binance", { ...binance, windowMs: 0 })).toMatch(/between 1 and 5000/);
    expect(firstError("okx", { ...binance, deltaLimit: null, windowMs: 10_001 })).toMatch(
      /0 or between 1 and 10000 ms/,
    );
    expect(firstError("deribit", { ...deribit, windowMs: 1500 })).toMatch(/multiple of 1000 ms/);
    expect(firstError("bybit", { ...binance, qtyLimit: "1.005" })).toMatch(/at most 2 decimals/);
    expect(firstError("binance", { ...binance, qtyLimit: "0" })).toMatch(/above 0/);
    expect(firstError("binance", { ...binance, qtyLimit: "1000000001" })).toMatch(
      /at most 1000000000/,
    );
  });

  it("refuses hostile input: strings for numbers, 1e308, negatives, NaN, extra fields, missing ones", () => {
    expect(firstError("binance", { ...binance, windowMs: "3000" })).toMatch(
      /number of milliseconds/,
    );
    expect(firstError("binance", { ...binance, windowMs: 1e308 })).not.toBeNull();
    expect(firstError("binance", { ...binance, windowMs: Number.NaN })).not.toBeNull();
    expect(firstError("binance", { ...binance, frozenPeriodMs: -1 })).not.toBeNull();
    expect(firstError("binance", { ...binance, qtyLimit: 25 })).toMatch(
      /decimal number written as text/,
    );
    expect(firstError("binance", { ...binance, qtyLimit: "1e308" })).toMatch(/plain decimal/);
    expect(firstError("binance", { ...binance, qtyLimit: "-1" })).toMatch(/plain decimal/);
    expect(firstError("binance", { ...binance, qtyLimit: "NaN" })).toMatch(/plain decimal/);
    expect(firstError("binance", { ...binance, qtyLimit: " 1" })).toMatch(/plain decimal/);
    expect(firstError("binance", { ...binance, accountId: "bn-alt" })).toMatch(/accountId/);
    expect(firstError("binance", { ...binance, vegaLimit: "5" })).toMatch(/does not exist/);
    const missing: Partial<MmpLimits> = { ...binance };
    delete missing.deltaLimit;
    expect(firstError("binance", missing)).not.toBeNull();
    expect(firstError("deribit", { ...deribit, maxQuoteQty: null })).not.toBeNull();
  });

  it("compares decimals exactly, not as floats", () => {
    expect(compareDecimal("0.3", "0.30000000000000004")).toBe(-1);
    expect(compareDecimal("10", "9.99")).toBe(1);
    expect(compareDecimal("2.50", "2.5")).toBe(0);
    expect(canonicalDecimal("2.500")).toBe("2.5");
    expect(canonicalDecimal("3.0")).toBe("3");
  });
});

describe("what a change does", () => {
  it("lists the changed fields by their labels", () => {
    const after = { ...binance, qtyLimit: "30", deltaLimit: "12.50" };
    expect(diffLimits(VENUE_LIMITS.binance, binance, after)).toEqual([
      { field: "qtyLimit", label: "Qty limit", before: "25", after: "30" },
    ]);
  });

  it("discloses each venue's side effects, and which values switch MMP off", () => {
    const d = limitEffects("deribit", deribit, { ...deribit, maxQuoteQty: "12.5" });
    expect(d.switchesOff).toBe(false);
    expect(d.notes.join(" ")).toMatch(/triggers an MMP reset/);
    expect(d.notes.join(" ")).toMatch(/initial margin of 0\.375 contracts/);
    expect(limitEffects("deribit", deribit, { ...deribit, windowMs: 0 }).switchesOff).toBe(true);
    const okx = { ...binance, deltaLimit: null };
    expect(limitEffects("okx", okx, { ...okx, windowMs: 0 }).switchesOff).toBe(true);
    expect(limitEffects("okx", okx, { ...okx, windowMs: 500 }).switchesOff).toBe(false);
    const bybit = { ...binance, vegaLimit: null };
    expect(limitEffects("bybit", bybit, { ...bybit, frozenPeriodMs: 100 }).notes.join()).toMatch(
      /almost no protection/,
    );
    expect(limitEffects("binance", binance, binance).notes).toEqual([
      "Nothing changes: the values equal the venue's.",
    ]);
  });
});
