import { describe, expect, it } from "vitest";
import { guardedRead } from "@/lib/venues/guard";
import { Breaker } from "@/lib/venues/guard/breaker";
import { VenueError } from "@/lib/venues/errors";
import { FIRST_OPEN_MS, fakeClock, rejection, target, testGuard } from "./guard-fixtures";

// The per-account circuit breaker: five failed reads in a row open it; it stays open for a
// cool-down, then lets exactly one probe through; a failed probe doubles the cool-down (up to the
// cap), a successful one closes it and resets the cool-down.

const KEY = "acct:a";
const T0 = Date.UTC(2025, 0, 1, 12);

function openBreaker(): Breaker {
  const b = new Breaker({ firstOpenMs: FIRST_OPEN_MS, maxOpenMs: 8 * FIRST_OPEN_MS }, new Map());
  for (let i = 0; i < 5; i += 1) {
    expect(b.admit(KEY, T0)).toBe("closed");
    b.recordFailure(KEY, `read failed #${i + 1}`, T0);
  }
  return b;
}

/** Fails the probe admitted at `at` and returns when the next one is due. */
function failProbe(b: Breaker, at: number): number {
  expect(b.admit(KEY, at)).toBe("probe");
  b.recordFailure(KEY, "probe failed", at);
  return at;
}

describe("circuit breaker", () => {
  it("opens after five failures in a row, for the first cool-down", () => {
    const b = openBreaker();
    expect(b.admit(KEY, T0)).toBe("open");
    expect(b.admit(KEY, T0 + FIRST_OPEN_MS - 1)).toBe("open");
    expect(b.admit(KEY, T0 + FIRST_OPEN_MS)).toBe("probe");
  });

  it("does not open on four failures, and a success clears the count", () => {
    const b = new Breaker({ firstOpenMs: FIRST_OPEN_MS }, new Map());
    for (let i = 0; i < 4; i += 1) b.recordFailure(KEY, "x", T0);
    b.recordSuccess(KEY);
    for (let i = 0; i < 4; i += 1) b.recordFailure(KEY, "x", T0);
    expect(b.admit(KEY, T0)).toBe("closed");
    expect(b.degradedReason(KEY, T0)).toBeNull();
  });

  it("lets exactly one half-open probe through at a time", () => {
    const b = openBreaker();
    const due = T0 + FIRST_OPEN_MS;
    expect(b.admit(KEY, due)).toBe("probe");
    expect(b.admit(KEY, due)).toBe("open");
    expect(b.admit(KEY, due + 60_000)).toBe("open");
  });

  it("doubles the cool-down after each failed probe, up to the cap", () => {
    const b = openBreaker();
    let at = failProbe(b, T0 + FIRST_OPEN_MS);
    for (const coolDown of [2, 4, 8, 8].map((n) => n * FIRST_OPEN_MS)) {
      expect(b.admit(KEY, at + coolDown - 1)).toBe("open");
      at = failProbe(b, at + coolDown);
    }
  });

  it("closes on a successful probe, and the next opening starts again from the first cool-down", () => {
    const b = openBreaker();
    const at = failProbe(b, T0 + FIRST_OPEN_MS);
    expect(b.admit(KEY, at + 2 * FIRST_OPEN_MS)).toBe("probe");
    b.recordSuccess(KEY);
    expect(b.admit(KEY, at + 2 * FIRST_OPEN_MS)).toBe("closed");
    expect(b.degradedReason(KEY, at)).toBeNull();

    const later = at + 10 * FIRST_OPEN_MS;
    for (let i = 0; i < 5; i += 1) b.recordFailure(KEY, "x", later);
    expect(b.admit(KEY, later + FIRST_OPEN_MS - 1)).toBe("open");
    expect(b.admit(KEY, later + FIRST_OPEN_MS)).toBe("probe");
  });

  it("says why the account is degraded and when the next probe is", () => {
    const b = openBreaker();
    expect(b.degradedReason(KEY, T0)).toBe(
      "degraded: 5 failed reads in a row; next probe at 12:00:01 UTC (last error: read failed #5)",
    );
  });
});

describe("circuit breaker behind guardedRead", () => {
  it("stops calling the venue, probes once after the cool-down, and closes on success", async () => {
    const clock = fakeClock();
    const deps = testGuard(clock);
    const t = target("a");
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(new Error("venue answered nonsense"));
    };
    for (let i = 0; i < 5; i += 1)
      await expect(guardedRead(t, 1000, failing, "read", deps)).rejects.toThrow("nonsense");
    expect(calls).toBe(5);

    const refused = await rejection(guardedRead(t, 1000, failing, "read", deps));
    expect(refused.kind).toBe("degraded");
    expect(calls).toBe(5);

    // The probe is in flight: a second read meanwhile is refused, not sent.
    clock.advance(FIRST_OPEN_MS);
    let answer: (v: string) => void = () => undefined;
    const probe = guardedRead(
      t,
      1000,
      () => new Promise<string>((r) => (answer = r)),
      "read",
      deps,
    );
    expect((await rejection(guardedRead(t, 1000, failing, "read", deps))).kind).toBe("degraded");
    answer("ok");
    await expect(probe).resolves.toBe("ok");
    await expect(guardedRead(t, 1000, () => Promise.resolve("again"), "read", deps)).resolves.toBe(
      "again",
    );
  });

  it("re-opens with a doubled cool-down when the probe fails", async () => {
    const clock = fakeClock();
    const deps = testGuard(clock);
    const t = target("a");
    const failing = () => Promise.reject(new Error("down"));
    for (let i = 0; i < 5; i += 1)
      await expect(guardedRead(t, 1000, failing, "read", deps)).rejects.toThrow();
    clock.advance(FIRST_OPEN_MS);
    await expect(guardedRead(t, 1000, failing, "read", deps)).rejects.toThrow("down");
    clock.advance(2 * FIRST_OPEN_MS - 1);
    expect((await rejection(guardedRead(t, 1000, failing, "read", deps))).kind).toBe("degraded");
    clock.advance(1);
    await expect(guardedRead(t, 1000, () => Promise.resolve(1), "read", deps)).resolves.toBe(1);
  });

  it("retries a transport failure with backoff on the guard's clock, then counts one failure", async () => {
    const clock = fakeClock();
    const deps = testGuard(clock);
    let calls = 0;
    const unavailable = () => {
      calls += 1;
      return Promise.reject(new VenueError("unavailable", "connection refused"));
    };
    await expect(guardedRead(target("a"), 1000, unavailable, "read", deps)).rejects.toThrow(
      "refused",
    );
    expect(calls).toBe(3);
    expect(clock.slept).toEqual([100, 200]);
    // One failed read (with its retries) is one failure: four more to open.
    for (let i = 0; i < 3; i += 1)
      await guardedRead(target("a"), 1000, unavailable, "read", deps).catch(() => undefined);
    expect(deps.breaker.admit("acct:a", clock.now())).toBe("closed");
  });

  it("does not count the venue's rate limits and refusals of scope as failures", async () => {
    const clock = fakeClock();
    const deps = testGuard(clock);
    const t = target("a");
    for (let i = 0; i < 6; i += 1) {
      const kind = i % 2 ? "bad_scope" : "not_enabled";
      await expect(
        guardedRead(t, 1000, () => Promise.reject(new VenueError(kind, kind)), "read", deps),
      ).rejects.toThrow();
    }
    expect(deps.breaker.degradedReason("acct:a", clock.now())).toBeNull();
  });
});
