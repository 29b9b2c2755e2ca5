import "server-only";
import { singleton } from "@/lib/platform/singleton";
import { systemClock, type GuardClock } from "@/lib/venues/guard/clock";

// A token bucket per account key, sized by the venue's documented limit. The monitor's reads and
// the resets share it, but reads leave RESERVE_FOR_RESETS tokens untouched so a reset never waits
// behind a poll. Reads wait (bounded) for a token; the caller turns a timeout into "rate limited".

export interface RateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Bucket size (the venue's window allowance). */
  burst: number;
}

export interface Bucket {
  tokens: number;
  at: number;
  limit: RateLimit;
}

export const RESERVE_FOR_RESETS = 1;

export class RateBudget {
  /** The store defaults to the process-wide one, shared by every bundle Next builds. */
  constructor(
    private readonly clock: GuardClock = systemClock,
    private readonly buckets: Map<string, Bucket> = singleton("rate-buckets", () => new Map()),
  ) {}

  private refill(b: Bucket, now: number): void {
    b.tokens = Math.min(b.limit.burst, b.tokens + ((now - b.at) / 1000) * b.limit.perSecond);
    b.at = now;
  }

  /** Takes one token, waiting up to maxWaitMs; false if none came in time. */
  async take(
    key: string,
    limit: RateLimit,
    priority: "read" | "reset",
    maxWaitMs: number,
  ): Promise<boolean> {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: limit.burst, at: this.clock.now(), limit };
      this.buckets.set(key, b);
    }
    // A limit learnt from the venue (e.g. at start) replaces the assumed one.
    b.limit = limit;
    const floor = priority === "reset" ? 1 : 1 + RESERVE_FOR_RESETS;
    const deadline = this.clock.now() + maxWaitMs;
    for (;;) {
      const now = this.clock.now();
      this.refill(b, now);
      if (b.tokens >= floor) {
        b.tokens -= 1;
        return true;
      }
      const waitMs = Math.ceil(((floor - b.tokens) / b.limit.perSecond) * 1000);
      if (now + waitMs > deadline) return false;
      await this.clock.sleep(waitMs);
    }
  }
}
