import { z } from "zod";
import type { ScopeState } from "@/lib/venues/types";

// Deribit's get_mmp_config entry (interval and frozen_time in SECONDS; interval 0 = MMP removed;
// frozen_time 0 = frozen until a manual reset) and get_mmp_status entry (only TRIGGERED groups
// are listed; frozen_until in ms on the venue clock, 0 = until a manual reset). An entry without
// mmp_group is the index's default group. max_quote_quantity has no field in the desk's model and
// is deliberately not shown.

const num = z.union([z.number(), z.string()]).transform(String);

export const deribitConfigSchema = z.looseObject({
  index_name: z.string(),
  mmp_group: z.string().nullish(),
  interval: z.number().min(0),
  frozen_time: z.number().min(0),
  quantity_limit: num.nullish(),
  delta_limit: num.nullish(),
  vega_limit: num.nullish(),
});
export type DeribitConfig = z.infer<typeof deribitConfigSchema>;

export const deribitStatusSchema = z.looseObject({
  index_name: z.string(),
  mmp_group: z.string().nullish(),
  frozen_until: z.number(),
});
export type DeribitStatus = z.infer<typeof deribitStatusSchema>;

export interface DeribitClock {
  /** Venue clock minus ours, ms. */
  offsetMs: number;
  /** The venue's "now", ms. */
  venueNowMs: number;
}

const SECOND = 1000;

/** Same (index, group) pair: a missing or empty mmp_group is the default group. */
export const sameGroup = (
  a: { index_name: string; mmp_group?: string | null },
  b: { index_name: string; mmp_group?: string | null },
): boolean => a.index_name === b.index_name && (a.mmp_group || null) === (b.mmp_group || null);

export function normaliseDeribit(
  config: DeribitConfig,
  status: DeribitStatus | null,
  clock: DeribitClock,
): ScopeState {
  const frozenPeriodMs = config.frozen_time * SECOND;
  const base = {
    windowMs: config.interval * SECOND,
    frozenPeriodMs,
    qtyLimit: config.quantity_limit ?? null,
    deltaLimit: config.delta_limit ?? null,
    vegaLimit: config.vega_limit ?? null,
    problem: null,
  };
  const idle = { frozenUntil: null, lastTriggerAt: null };
  if (config.interval === 0) return { ...base, ...idle, status: "disabled" };
  if (!status) return { ...base, ...idle, status: "active" };
  if (status.frozen_until === 0) return { ...base, ...idle, status: "frozen" };
  // A timed freeze that already ended is no longer a freeze, even if the list still has it.
  if (status.frozen_until <= clock.venueNowMs) return { ...base, ...idle, status: "active" };
  return {
    ...base,
    status: "frozen",
    frozenUntil: status.frozen_until - clock.offsetMs,
    lastTriggerAt:
      frozenPeriodMs > 0 ? status.frozen_until - frozenPeriodMs - clock.offsetMs : null,
  };
}
