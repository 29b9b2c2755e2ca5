import "server-only";
import { singleton } from "@/lib/platform/singleton";

// Per-account circuit breaker for reads. After `failures` account-wide failures in a row it opens:
// no reads for a cool-down (doubling after each failed probe, up to maxOpenMs), then one half-open
// probe; a success closes it. While open, the desk shows the account "degraded" and Reset is
// disabled with why.

export interface BreakerState {
  failures: number;
  openUntil: number;
  openMs: number;
  probing: boolean;
  lastError: string | null;
}

export interface BreakerOptions {
  /** First cool-down (MMP_BREAKER_OPEN_MS in the app). */
  firstOpenMs: number;
  /** Failures in a row that open the breaker. */
  failures?: number;
  /** Longest cool-down the doubling reaches. */
  maxOpenMs?: number;
}

export class Breaker {
  private readonly threshold: number;
  private readonly firstOpenMs: number;
  private readonly maxOpenMs: number;

  /** The store defaults to the process-wide one, shared by every bundle Next builds. */
  constructor(
    options: BreakerOptions,
    private readonly store: Map<string, BreakerState> = singleton("breakers", () => new Map()),
  ) {
    this.threshold = options.failures ?? 5;
    this.firstOpenMs = options.firstOpenMs;
    this.maxOpenMs = options.maxOpenMs ?? 120_000;
  }

  private get(key: string): BreakerState {
    let b = this.store.get(key);
    if (!b) {
      b = { failures: 0, openUntil: 0, openMs: this.firstOpenMs, probing: false, lastError: null };
      this.store.set(key, b);
    }
    return b;
  }

  /** "closed" → go; "probe" → this call is the half-open probe; "open" → do not call. */
  admit(key: string, now: number): "closed" | "probe" | "open" {
    const b = this.get(key);
    if (b.failures < this.threshold) return "closed";
    if (now < b.openUntil || b.probing) return "open";
    b.probing = true;
    return "probe";
  }

  recordSuccess(key: string): void {
    const b = this.get(key);
    b.failures = 0;
    b.openMs = this.firstOpenMs;
    b.probing = false;
    b.lastError = null;
  }

  recordFailure(key: string, error: string, now: number): void {
    const b = this.get(key);
    const wasProbe = b.probing;
    b.probing = false;
    b.failures += 1;
    b.lastError = error;
    if (b.failures >= this.threshold) {
      if (wasProbe) b.openMs = Math.min(b.openMs * 2, this.maxOpenMs);
      b.openUntil = now + b.openMs;
    }
  }

  /** Why the account is degraded, or null when the breaker is closed. */
  degradedReason(key: string, now: number): string | null {
    const b = this.store.get(key);
    if (!b || b.failures < this.threshold) return null;
    const next = new Date(Math.max(b.openUntil, now)).toISOString().slice(11, 19);
    return `degraded: ${b.failures} failed reads in a row; next probe at ${next} UTC (last error: ${b.lastError ?? "unknown"})`;
  }
}
