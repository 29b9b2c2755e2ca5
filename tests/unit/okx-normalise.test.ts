import { describe, expect, it } from "vitest";
import type { OkxClock, OkxMmp } from "@/lib/venues/okx/normalise";
import { EPOCH_THRESHOLD_MS, normaliseOkx, okxFrozenUntil } from "@/lib/venues/okx/normalise";

const raw = (over: Partial<OkxMmp> = {}): OkxMmp => ({
  instFamily: "BTC-USD",
  mmpFrozen: false,
  mmpFrozenUntil: "",
  timeInterval: "5000",
  frozenInterval: "2000",
  qtyLimit: "100",
  ...over,
});
// Venue clock 1 s ahead of the app server; the answer arrived at app time 1_700_000_000_000.
const clock: OkxClock = { offsetMs: 1000, receivedAt: 1_700_000_000_000 };

describe("normaliseOkx", () => {
  it("active: limits as strings, no delta or vega limit (n/a), mmpFrozenUntil ignored", () => {
    expect(normaliseOkx(raw({ mmpFrozenUntil: "1700000005000" }), clock)).toEqual({
      status: "active",
      frozenUntil: null,
      windowMs: 5000,
      frozenPeriodMs: 2000,
      qtyLimit: "100",
      deltaLimit: null,
      vegaLimit: null,
      lastTriggerAt: null,
      problem: null,
    });
  });

  it("frozen with an epoch mmpFrozenUntil: moved to the server clock, trigger derived", () => {
    const s = normaliseOkx(raw({ mmpFrozen: true, mmpFrozenUntil: "1700000003000" }), clock);
    expect(s).toMatchObject({
      status: "frozen",
      frozenUntil: 1_700_000_002_000,
      lastTriggerAt: 1_700_000_000_000,
      frozenPeriodMs: 2000,
      problem: null,
    });
  });

  it("frozen with a duration mmpFrozenUntil (< 10^12): counted from when the answer arrived", () => {
    const s = normaliseOkx(raw({ mmpFrozen: true, mmpFrozenUntil: "1500" }), clock);
    expect(s).toMatchObject({
      status: "frozen",
      frozenUntil: clock.receivedAt + 1500,
      lastTriggerAt: clock.receivedAt + 1500 - 2000,
    });
  });

  it("the 10^12 boundary: below is a duration, at or above is epoch ms", () => {
    expect(okxFrozenUntil(String(EPOCH_THRESHOLD_MS - 1), clock)).toBe(
      clock.receivedAt + EPOCH_THRESHOLD_MS - 1,
    );
    expect(okxFrozenUntil(String(EPOCH_THRESHOLD_MS), clock)).toBe(EPOCH_THRESHOLD_MS - 1000);
    expect(okxFrozenUntil("0", clock)).toBe(clock.receivedAt);
    expect(okxFrozenUntil("", clock)).toBeNull();
    expect(okxFrozenUntil("soon", clock)).toBeNull();
  });

  it('manual: frozenInterval "0" with mmpFrozenUntil "" = frozen until manual reset', () => {
    expect(
      normaliseOkx(raw({ mmpFrozen: true, frozenInterval: "0", mmpFrozenUntil: "" }), clock),
    ).toMatchObject({
      status: "frozen",
      frozenUntil: null,
      frozenPeriodMs: 0,
      lastTriggerAt: null,
      problem: null,
    });
  });

  it('timeInterval "0" = MMP off → DISABLED with n/a delta and vega', () => {
    expect(normaliseOkx(raw({ timeInterval: "0" }), clock)).toMatchObject({
      status: "disabled",
      windowMs: 0,
      qtyLimit: "100",
      deltaLimit: null,
      vegaLimit: null,
      frozenUntil: null,
    });
  });

  it("a freeze the venue reports is never hidden behind DISABLED", () => {
    const s = normaliseOkx(
      raw({ timeInterval: "0", mmpFrozen: true, mmpFrozenUntil: "1700000003000" }),
      clock,
    );
    expect(s.status).toBe("frozen");
  });

  it("a timed freeze without a readable end shows as needing a reset, with the reason", () => {
    const s = normaliseOkx(raw({ mmpFrozen: true, mmpFrozenUntil: "" }), clock);
    expect(s).toMatchObject({ status: "frozen", frozenUntil: null, lastTriggerAt: null });
    expect(s.problem?.code).toBe("frozen_until_unknown");
  });
});
