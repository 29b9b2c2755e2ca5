import { z } from "zod";
import type { ScopeState } from "@/lib/venues/types";

// OKX's mmp-config entry, one per instFamily ("BTC-USD"). Venue facts
// (docs/venues.md#okx-units-and-frozen-state):
// - timeInterval "0" means MMP is switched off for the family → DISABLED.
// - frozenInterval "0" means a freeze lasts until a manual reset; mmpFrozenUntil is "" then.
// - OKX limits only the traded quantity: there is no delta and no vega limit (null → "n/a").
// - mmpFrozenUntil is only meaningful while mmpFrozen is true (it may be stale or "" otherwise).
//
// mmpFrozenUntil's unit is ambiguous (docs/venues.md#okx-mmpfrozenuntil): OKX describes it as an
// interval, while the other venues (and some OKX answers) give an epoch timestamp. Both are
// accepted:
// - below 10^12 it is a DURATION, the time left from the moment of the answer. We anchor it on
//   the app server clock when the answer arrived (slightly after the venue produced it), so the
//   shown end errs on the late side, never unfreezing a row early;
// - otherwise it is EPOCH ms on the venue clock, moved to the app server clock by subtracting the
//   measured offset. (10^12 ms is September 2001: no real end time is below it, and no real
//   frozen period is anywhere near 31 years.)
// OKX reports no trigger time; while frozen with a finite period it is frozenUntil − frozenInterval.

/** Values at or above this are epoch ms; below, a duration (docs/venues.md#okx-mmpfrozenuntil). */
export const EPOCH_THRESHOLD_MS = 1e12;

const num = z.union([z.string(), z.number()]).transform(String);

export const okxMmpSchema = z.looseObject({
  instFamily: z.string(),
  mmpFrozen: z.boolean(),
  mmpFrozenUntil: num.optional(),
  timeInterval: num,
  frozenInterval: num,
  qtyLimit: num,
});
export type OkxMmp = z.infer<typeof okxMmpSchema>;

export interface OkxClock {
  /** Venue clock minus app server clock, ms (clockOffset). */
  offsetMs: number;
  /** App server clock when the answer arrived, epoch ms. */
  receivedAt: number;
}

const toMs = (value: string): number | null => {
  const n = Number(value);
  return value.trim() !== "" && Number.isFinite(n) && n >= 0 ? n : null;
};

/** mmpFrozenUntil on the app server clock; null when absent or unreadable. */
export function okxFrozenUntil(value: string | undefined, clock: OkxClock): number | null {
  const n = toMs(value ?? "");
  if (n === null) return null;
  return n < EPOCH_THRESHOLD_MS ? clock.receivedAt + n : n - clock.offsetMs;
}

export function normaliseOkx(raw: OkxMmp, clock: OkxClock): ScopeState {
  const windowMs = toMs(raw.timeInterval);
  const frozenPeriodMs = toMs(raw.frozenInterval);
  const base = {
    windowMs,
    frozenPeriodMs,
    qtyLimit: raw.qtyLimit,
    deltaLimit: null,
    vegaLimit: null,
    problem: null,
  };
  // A venue that says "frozen" is rejecting MMP orders, whatever the window says: a freeze is
  // never hidden behind DISABLED (e.g. MMP switched off while a freeze was still running).
  if (!raw.mmpFrozen) {
    const status = windowMs === 0 ? "disabled" : "active";
    return { ...base, status, frozenUntil: null, lastTriggerAt: null };
  }
  if (frozenPeriodMs === 0) {
    return { ...base, status: "frozen", frozenUntil: null, lastTriggerAt: null };
  }
  const frozenUntil = okxFrozenUntil(raw.mmpFrozenUntil, clock);
  if (frozenUntil === null) {
    // A timed freeze without a readable end: show it as needing a reset (the safe reading) and
    // say why, rather than invent an end.
    return {
      ...base,
      status: "frozen",
      frozenUntil: null,
      lastTriggerAt: null,
      problem: {
        code: "frozen_until_unknown",
        message: `OKX reported a timed freeze without a readable end (mmpFrozenUntil "${(raw.mmpFrozenUntil ?? "").slice(0, 40)}")`,
      },
    };
  }
  const lastTriggerAt = frozenPeriodMs === null ? null : frozenUntil - frozenPeriodMs;
  return { ...base, status: "frozen", frozenUntil, lastTriggerAt };
}
