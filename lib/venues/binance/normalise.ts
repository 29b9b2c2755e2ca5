import { z } from "zod";
import type { ScopeState } from "@/lib/venues/types";

// Binance answers MMP config with no frozen flag (venues.md, open point 1). We derive it:
// frozen when lastTriggerTime > 0 and (frozen period 0 = until manual reset, or venue-now is
// before lastTriggerTime + frozen period) — unless a successful reset we sent came at or after
// that trigger. Whether the venue zeroes lastTriggerTime on reset is undocumented; remembering
// our own last successful reset makes both behaviours show ACTIVE after a reset.

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
  /** Venue time at which our last successful reset of this scope was signed, if any. */
  resetAtVenueMs: number | null;
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
    trigger !== null && ctx.resetAtVenueMs !== null && trigger <= ctx.resetAtVenueMs;
  if (trigger === null || clearedByOurReset)
    return { ...limits, status: "active", frozenUntil: null };
  if (raw.frozenTimeInMilliseconds === 0) return { ...limits, status: "frozen", frozenUntil: null };
  const until = trigger + raw.frozenTimeInMilliseconds;
  if (ctx.venueNowMs < until)
    return { ...limits, status: "frozen", frozenUntil: until - ctx.offsetMs };
  return { ...limits, status: "active", frozenUntil: null };
}
