import { describe, expect, it } from "vitest";
import { guardedRead, guardedReset } from "@/lib/venues/guard";
import { RateBudget, RESERVE_FOR_RESETS, type RateLimit } from "@/lib/venues/guard/budget";
import { callContext } from "@/lib/venues/guard/context";
import { fakeClock, target, testGuard } from "./guard-fixtures";

// The per-account token bucket that polls and resets share: polls stop short of the last
// RESERVE_FOR_RESETS tokens so a reset never queues behind them.

const limit: RateLimit = { perSecond: 2, burst: 4 };
const KEY = "acct:a";

function budget() {
  const clock = fakeClock();
  return { clock, budget: new RateBudget(clock, new Map()) };
}

async function drain(b: RateBudget, priority: "read" | "reset", times: number) {
  for (let i = 0; i < times; i += 1) expect(await b.take(KEY, limit, priority, 0)).toBe(true);
}

describe("rate budget", () => {
  it("keeps one token in reserve: polls cannot take the last one, a reset can", async () => {
    expect(RESERVE_FOR_RESETS).toBe(1);
    const { budget: b } = budget();
    await drain(b, "read", limit.burst - 1);
    expect(await b.take(KEY, limit, "read", 0)).toBe(false);
    expect(await b.take(KEY, limit, "reset", 0)).toBe(true);
    expect(await b.take(KEY, limit, "reset", 0)).toBe(false);
  });

  it("makes a poll wait for the refill instead of eating the reserve", async () => {
    const { clock, budget: b } = budget();
    await drain(b, "read", limit.burst - 1);
    // One token left; a read needs two, so it waits for one more: 1 / 2 per second = 500 ms.
    expect(await b.take(KEY, limit, "read", 1000)).toBe(true);
    expect(clock.slept).toEqual([500]);
    // …and the reserve is still there for a reset, at once.
    expect(await b.take(KEY, limit, "reset", 0)).toBe(true);
    expect(clock.slept).toEqual([500]);
  });

  it("gives up without waiting when the refill would come after the poll's deadline", async () => {
    const { clock, budget: b } = budget();
    await drain(b, "read", limit.burst - 1);
    const before = clock.now();
    expect(await b.take(KEY, limit, "read", 499)).toBe(false);
    expect(clock.slept).toEqual([]);
    expect(clock.now()).toBe(before);
  });

  it("refills with time at the sustained rate, never above the burst", async () => {
    const { clock, budget: b } = budget();
    await drain(b, "reset", limit.burst);
    expect(await b.take(KEY, limit, "reset", 0)).toBe(false);
    clock.advance(500); // one token back
    expect(await b.take(KEY, limit, "read", 0)).toBe(false); // it is the reserve
    expect(await b.take(KEY, limit, "reset", 0)).toBe(true);
    clock.advance(60_000); // far more than a full bucket's worth
    await drain(b, "read", limit.burst - RESERVE_FOR_RESETS);
    expect(await b.take(KEY, limit, "read", 0)).toBe(false);
  });

  it("keeps one bucket per account", async () => {
    const { budget: b } = budget();
    await drain(b, "reset", limit.burst);
    expect(await b.take("acct:other", limit, "read", 0)).toBe(true);
  });

  it("is the budget the guard hands to the HTTP layer, at the caller's priority", async () => {
    const deps = testGuard(fakeClock());
    const current = () => Promise.resolve(callContext.getStore());
    const seen = await guardedRead(target("a"), 1000, current, "read", deps);
    expect(seen?.budget).toBe(deps.budget);
    expect(seen?.blocks).toBe(deps.blocks);
    expect(seen).toMatchObject({ accountKey: "acct:a", priority: "read", maxWaitMs: 500 });
    const inReset = await guardedReset(target("a"), current, deps);
    expect(inReset?.budget).toBe(deps.budget);
    expect(inReset?.priority).toBe("reset");
  });
});
