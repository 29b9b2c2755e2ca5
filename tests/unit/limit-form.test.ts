import { describe, expect, it } from "vitest";
import { formFields, inputsFrom, parseInputs, rangeHint, rowLimits } from "@/lib/client/limit-form";
import type { MmpRow } from "@/lib/model/types";

// The "Edit limits" form's text ↔ MmpLimits (issue 15): the unit typed, required fields, and
// the shared schema's errors landing on the field they are about.

const row = (patch: Partial<MmpRow>): MmpRow => ({
  id: "a/s",
  accountId: "a",
  accountLabel: "A",
  venue: "binance",
  scope: "s",
  status: "active",
  frozenUntil: null,
  windowMs: 5000,
  frozenPeriodMs: 60_000,
  qtyLimit: "250",
  deltaLimit: "80",
  vegaLimit: null,
  lastTriggerAt: null,
  fetchedAt: 1,
  problem: null,
  ...patch,
});

describe("limit form", () => {
  it("edits whole-second venues in seconds and sends ms", () => {
    const r = row({ venue: "deribit", windowMs: 5000, vegaLimit: "20000" });
    const inputs = inputsFrom("deribit", rowLimits(r));
    expect(inputs).toMatchObject({ windowMs: "5", frozenPeriodMs: "60", maxQuoteQty: "" });
    expect(formFields("deribit").find((f) => f.field === "windowMs")?.inputUnit).toBe("s");
    expect(rangeHint(formFields("deribit")[0]!)).toBe("0 or 1–3600 s");
    const missing = parseInputs("deribit", inputs);
    expect(missing.limits).toBeNull();
    expect(missing.errors.maxQuoteQty).toBe("Max quote quantity is required");
    const ok = parseInputs("deribit", { ...inputs, maxQuoteQty: "50", windowMs: "7" });
    expect(ok.errors).toEqual({});
    expect(ok.limits).toMatchObject({ windowMs: 7000, frozenPeriodMs: 60_000, maxQuoteQty: "50" });
    expect(parseInputs("deribit", { ...inputs, maxQuoteQty: "5", windowMs: "1.5" }).errors).toEqual(
      { windowMs: "Interval must be a whole number of seconds" },
    );
  });

  it("keeps fields the venue lacks null, and puts the schema's errors on their field", () => {
    const limits = rowLimits(row({ venue: "okx", deltaLimit: "0", vegaLimit: "1" }));
    expect(limits).toMatchObject({ deltaLimit: null, vegaLimit: null, maxQuoteQty: null });
    const inputs = inputsFrom("binance", rowLimits(row({})));
    expect(inputs).toEqual({
      windowMs: "5000",
      frozenPeriodMs: "60000",
      qtyLimit: "250",
      deltaLimit: "80",
    });
    const bad = parseInputs("binance", { ...inputs, windowMs: "6000", qtyLimit: "1.123456789" });
    expect(bad.limits).toBeNull();
    expect(bad.errors).toEqual({
      windowMs: "Window must be between 1 and 5000 ms",
      qtyLimit: "Qty limit takes at most 8 decimals",
    });
    expect(parseInputs("binance", { ...inputs, qtyLimit: " 260.50 " }).limits?.qtyLimit).toBe(
      "260.5",
    );
  });
});
