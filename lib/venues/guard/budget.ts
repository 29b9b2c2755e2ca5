import "server-only";
import { singleton } from "@/lib/platform/singleton";

// A token bucket per account key, sized by the venue's documented limit. The monitor's reads and
// the resets share it, but reads leave RESERVE tokens untouched so a reset never waits behind a
// poll. Reads wait (bounded) for a token; the caller turns a timeout into "rate limited".

export interface RateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Bucket size (the venue's window allowance). */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
  limit: RateLimit;
}

const RESERVE_FOR_RESETS = 1;
const buckets = singleton("rate-buckets", () => new Map<string, Bucket>());

function refill(b: Bucket, now: number) {
  b.tokens = Math.min(b.limit.burst, b.tokens + ((now - b.at) / 1000) * b.limit.perSecond);
  b.at = now;
}

/** Takes one token, waiting up to maxWaitMs; false if none came in time. */
export async function takeToken(
  key: string,
  limit: RateLimit,
  priority: "read" | "reset",
  maxWaitMs: number,
): Promise<boolean> {
  let b = buckets.get(key);
  if (!b) {
    b = { tokens: limit.burst, at: Date.now(), limit };
    buckets.set(key, b);
  }
  const floor = priority === "reset" ? 1 : 1 + RESERVE_FOR_RESETS;
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const now = Date.now();
    refill(b, now);
    if (b.tokens >= floor) {
      b.tokens -= 1;
      return true;
    }
    const waitMs = Math.ceil(((floor - b.tokens) / b.limit.perSecond) * 1000);
    if (now + waitMs > deadline) return false;
    await new Promise((r) => setTimeout(r, waitMs));
  }
}
