import "server-only";
import { singleton } from "@/lib/platform/singleton";

// Per-account circuit breaker for reads. After FAILURES account-wide failures in a row it opens:
// no reads for a cool-down (doubling up to MAX_OPEN_MS), then one half-open probe; a success
// closes it. While open, the desk shows the account "degraded" and Reset is disabled with why.

const FAILURES = 5;
const FIRST_OPEN_MS = Number(process.env.MMP_BREAKER_OPEN_MS ?? 5_000);
const MAX_OPEN_MS = 120_000;

export interface BreakerState {
  failures: number;
  openUntil: number;
  openMs: number;
  probing: boolean;
  lastError: string | null;
}

const breakers = singleton("breakers", () => new Map<string, BreakerState>());

function get(key: string): BreakerState {
  let b = breakers.get(key);
  if (!b) {
    b = { failures: 0, openUntil: 0, openMs: FIRST_OPEN_MS, probing: false, lastError: null };
    breakers.set(key, b);
  }
  return b;
}

/** "closed" → go; "probe" → this call is the half-open probe; "open" → do not call. */
export function admit(key: string, now = Date.now()): "closed" | "probe" | "open" {
  const b = get(key);
  if (b.failures < FAILURES) return "closed";
  if (now < b.openUntil || b.probing) return "open";
  b.probing = true;
  return "probe";
}

export function recordSuccess(key: string): void {
  const b = get(key);
  b.failures = 0;
  b.openMs = FIRST_OPEN_MS;
  b.probing = false;
  b.lastError = null;
}

export function recordFailure(key: string, error: string, now = Date.now()): void {
  const b = get(key);
  const wasProbe = b.probing;
  b.probing = false;
  b.failures += 1;
  b.lastError = error;
  if (b.failures >= FAILURES) {
    if (wasProbe) b.openMs = Math.min(b.openMs * 2, MAX_OPEN_MS);
    b.openUntil = now + b.openMs;
  }
}

/** Why the account is degraded, or null when the breaker is closed. */
export function degradedReason(key: string, now = Date.now()): string | null {
  const b = breakers.get(key);
  if (!b || b.failures < FAILURES) return null;
  const next = new Date(Math.max(b.openUntil, now)).toISOString().slice(11, 19);
  return `degraded: ${b.failures} failed reads in a row; next probe at ${next} UTC (last error: ${b.lastError ?? "unknown"})`;
}
