import { z } from "zod";
import type { ScopeState } from "@/lib/venues/types";

// Bybit's mmp-state entry. mmpFrozenUntil is only meaningful while mmpFrozen is true; a frozen
// period of "0" means frozen until a manual reset. Bybit reports no trigger time; while frozen
// with a finite period it is frozenUntil − frozenPeriod.

const num = z.union([z.string(), z.number()]).transform(String);

export const bybitMmpSchema = z.looseObject({
  baseCoin: z.string(),
  mmpEnabled: z.boolean(),
  window: num,
  frozenPeriod: num,
  qtyLimit: num,
  deltaLimit: num,
  vegaLimit: num.optional(),
  mmpFrozenUntil: num.optional(),
  mmpFrozen: z.boolean(),
});
export type BybitMmp = z.infer<typeof bybitMmpSchema>;

const toMs = (value: string): number | null => {
  const n = Number(value);
  return value !== "" && Number.isFinite(n) ? n : null;
};

export function normaliseBybit(raw: BybitMmp, offsetMs: number): ScopeState {
  const frozenPeriodMs = toMs(raw.frozenPeriod);
  const base = {
    windowMs: toMs(raw.window),
    frozenPeriodMs,
    qtyLimit: raw.qtyLimit,
    deltaLimit: raw.deltaLimit,
    vegaLimit: raw.vegaLimit ?? null,
    problem: null,
  };
  if (!raw.mmpEnabled)
    return { ...base, status: "disabled", frozenUntil: null, lastTriggerAt: null };
  if (!raw.mmpFrozen) return { ...base, status: "active", frozenUntil: null, lastTriggerAt: null };
  const until = toMs(raw.mmpFrozenUntil ?? "");
  if (frozenPeriodMs === 0 || until === null || until === 0) {
    return { ...base, status: "frozen", frozenUntil: null, lastTriggerAt: null };
  }
  const lastTriggerAt = frozenPeriodMs === null ? null : until - frozenPeriodMs - offsetMs;
  return { ...base, status: "frozen", frozenUntil: until - offsetMs, lastTriggerAt };
}
