import "server-only";

// Time as the guard sees it: the token bucket refills, blocks expire and the breaker cools down by
// it, and reads back off with it. Passed in rather than read from Date.now so that tests drive
// the guard with a fake clock in milliseconds; the app uses the system clock. (Not to be confused
// with the venues' clock offsets in lib/venues/clock.ts, which correct signed timestamps.)
export interface GuardClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: GuardClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
