import type { GuardDeps, GuardTarget } from "@/lib/venues/guard";
import { Blocks } from "@/lib/venues/guard/blocks";
import { Breaker } from "@/lib/venues/guard/breaker";
import { RateBudget } from "@/lib/venues/guard/budget";
import type { GuardClock } from "@/lib/venues/guard/clock";
import { VenueError } from "@/lib/venues/errors";

// A clock that only moves when told to (or when the code under test sleeps on it), so the guard's
// waits, cool-downs and refills run in microseconds and no timer is left behind.
export interface FakeClock extends GuardClock {
  advance(ms: number): void;
  /** Every sleep the code asked for, in order. */
  slept: number[];
}

export function fakeClock(start = Date.UTC(2025, 0, 1, 12)): FakeClock {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: (ms) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      t += ms;
    },
    slept,
  };
}

export const FIRST_OPEN_MS = 1000;

/** A guard of its own: fresh stores, the fake clock, no jitter (random() = 0.5 → backoff × 1). */
export function testGuard(clock: FakeClock): GuardDeps {
  return {
    clock,
    blocks: new Blocks(new Map()),
    breaker: new Breaker({ firstOpenMs: FIRST_OPEN_MS, maxOpenMs: 8 * FIRST_OPEN_MS }, new Map()),
    budget: new RateBudget(clock, new Map()),
    random: () => 0.5,
  };
}

export function target(accountId: string, baseUrl = "http://127.0.0.1:9001"): GuardTarget {
  return { accountId, venue: "bybit", baseUrl, limit: { perSecond: 10, burst: 10 } };
}

/** The error a guarded call rejected with (fails the test if it resolved). */
export async function rejection(promise: Promise<unknown>): Promise<VenueError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof VenueError) return err;
    throw err;
  }
  throw new Error("expected the guarded call to be refused");
}
