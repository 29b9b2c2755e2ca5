import { z } from "zod";
import type { ScopeState } from "@/lib/venues/types";

// Binance answers MMP config with no frozen flag (docs/venues.md#binance-units-and-frozen-state,
// and #binance-decisions for the reset memory). We derive it:
// frozen when lastTriggerTime > 0 and (frozen period 0 = until manual reset, or venue-now is
// before lastTriggerTime + frozen period) — unless our last successful reset cleared that very
// trigger. Whether the venue zeroes lastTriggerTime on reset is undocumented, so we remember the
// lastTriggerTime the venue reported in its answer to our reset: that trigger and any earlier
// one are cleared, a later one freezes again. Only venue times are compared, so a misestimated
// clock offset cannot hide a new freeze.

const decimal = z.union([z.string(), z.number()]).transform(String);

export const binanceMmpSchema = z.looseObject({
  underlying: z.string(),
  windowTimeInMilliseconds: z.number(),
  frozenTimeInMilliseconds: z.number(),
  qtyLimit: decimal,
  deltaLimit: decimal,
  lastTriggerTime: z.number(),
});
export type BinanceMmp = z.infer<typeof binanceMmpSchema>;

export interface BinanceNormaliseContext {
  /** The venue's clock now (our clock + measured offset). */
  venueNowMs: number;
  /** Venue clock minus ours: subtracted to express venue times on the app server's clock. */
  offsetMs: number;
  /** lastTriggerTime reported by the venue in its answer to our last successful reset, if any. */
  clearedTriggerAt: number | null;
}

export function normaliseBinance(raw: BinanceMmp, ctx: BinanceNormaliseContext): ScopeState {
  const trigger = raw.lastTriggerTime > 0 ? raw.lastTriggerTime : null;
  const limits = {
    windowMs: raw.windowTimeInMilliseconds,
    frozenPeriodMs: raw.frozenTimeInMilliseconds,
    qtyLimit: raw.qtyLimit,
    deltaLimit: raw.deltaLimit,
    vegaLimit: null,
    lastTriggerAt: trigger === null ? null : trigger - ctx.offsetMs,
    problem: null,
  };
  if (raw.windowTimeInMilliseconds <= 0) {
    return { ...limits, status: "disabled", frozenUntil: null };
  }
  const clearedByOurReset =
    trigger !== null && ctx.clearedTriggerAt !== null && trigger <= ctx.clearedTriggerAt;
  if (trigger === null || clearedByOurReset)
    return { ...limits, status: "active", frozenUntil: null };
  if (raw.frozenTimeInMilliseconds === 0) return { ...limits, status: "frozen", frozenUntil: null };
  const until = trigger + raw.frozenTimeInMilliseconds;
  if (ctx.venueNowMs < until)
    return { ...limits, status: "frozen", frozenUntil: until - ctx.offsetMs };
  return { ...limits, status: "active", frozenUntil: null };
}
