import type { ScopeState } from "@/lib/venues/types";

/** A row the venue gave no figures for (not enabled, not configured, unreadable): every limit
 * "n/a", the status, and why. */
export function stateWithout(
  status: "disabled" | "unknown",
  code: string,
  message: string,
): ScopeState {
  return {
    status,
    frozenUntil: null,
    windowMs: null,
    frozenPeriodMs: null,
    qtyLimit: null,
    deltaLimit: null,
    vegaLimit: null,
    lastTriggerAt: null,
    problem: { code, message },
  };
}
