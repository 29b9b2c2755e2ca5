import { describe, expect, it } from "vitest";
import { guardedRead, guardedReset, resetBlockedReason } from "@/lib/venues/guard";
import { Blocks } from "@/lib/venues/guard/blocks";
import { VenueError } from "@/lib/venues/errors";
import { parseRetryAfterMs } from "@/lib/venues/http";
import { fakeClock, rejection, target, testGuard } from "./guard-fixtures";

// Stops the venue asked for: a rate limit blocks that account's key for the Retry-After time; a
// ban blocks the venue host for every account on it (venues ban the IP, not the key). Nothing is
// sent to a blocked target, reads and resets alike.

const rateLimited = (retryAfterMs?: number) => () =>
  Promise.reject(
    new VenueError("rate_limited", "venue rate limit reached (HTTP 429)", {
      httpStatus: 429,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }),
  );
const banned = (retryAfterMs?: number) => () =>
  Promise.reject(
    new VenueError("banned", "venue has banned this IP (HTTP 418)", {
      httpStatus: 418,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }),
  );

function counter() {
  const c = { calls: 0, read: () => Promise.resolve((c.calls += 1)) };
  return c;
}

describe("rate-limit blocks", () => {
  it("honour Retry-After: nothing is sent to that account until it has passed", async () => {
    const clock = fakeClock();
    const deps = testGuard(clock);
    const a = target("a");
    await expect(guardedRead(a, 1000, rateLimited(3000), "read", deps)).rejects.toThrow("HTTP 429");

    const venue = counter();
    clock.advance(2999);
    const refused = await rejection(guardedRead(a, 1000, venue.read, "read", deps));
    expect(refused.kind).toBe("rate_limited");
    expect(refused.details.retryAfterMs).toBe(1);
    expect(refused.message).toMatch(/nothing sent until 12:00:03 UTC/);
    expect(resetBlockedReason(a, undefined, deps)).toMatch(/HTTP 429/);
    await expect(guardedReset(a, venue.read, deps)).rejects.toThrow(/nothing sent until/);
    expect(venue.calls).toBe(0);

    // Another account on the same host is not affected by this key's limit.
    await expect(guardedRead(target("b"), 1000, venue.read, "read", deps)).resolves.toBe(1);

    clock.advance(1);
    expect(resetBlockedReason(a, undefined, deps)).toBeNull();
    await expect(guardedRead(a, 1000, venue.read, "read", deps)).resolves.toBe(2);
  });

  it("last one second when the venue gives no Retry-After", async () => {
    const clock = fakeClock();
    const deps = testGuard(clock);
    const a = target("a");
    await expect(guardedRead(a, 1000, rateLimited(), "read", deps)).rejects.toThrow();
    clock.advance(999);
    expect(resetBlockedReason(a, undefined, deps)).not.toBeNull();
    clock.advance(1);
    expect(resetBlockedReason(a, undefined, deps)).toBeNull();
  });

  it("come from a reset's answer too", async () => {
    const clock = fakeClock();
    const deps = testGuard(clock);
    const a = target("a");
    await expect(guardedReset(a, rateLimited(5000), deps)).rejects.toThrow("HTTP 429");
    clock.advance(4999);
    expect((await rejection(guardedRead(a, 1000, counter().read, "read", deps))).kind).toBe(
      "rate_limited",
    );
  });

  it("read Retry-After in seconds or as an HTTP date", () => {
    expect(parseRetryAfterMs("3")).toBe(3000);
    expect(parseRetryAfterMs(null)).toBeUndefined();
    expect(parseRetryAfterMs("soon")).toBeUndefined();
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfterMs(inTenSeconds)).toBeGreaterThan(8_000);
    expect(parseRetryAfterMs(inTenSeconds)).toBeLessThanOrEqual(10_000);
  });
});

describe("ban blocks", () => {
  it("stop every account on the banned host, and only that host, until the ban ends", async () => {
    const clock = fakeClock();
    const deps = testGuard(clock);
    const a = target("a");
    const b = target("b"); // same venue, same host
    const elsewhere = target("c", "http://127.0.0.1:9002");
    await expect(guardedRead(a, 1000, banned(60_000), "read", deps)).rejects.toThrow("HTTP 418");

    const venue = counter();
    for (const t of [a, b]) {
      const refused = await rejection(guardedRead(t, 1000, venue.read, "read", deps));
      expect(refused.kind).toBe("banned");
      expect(resetBlockedReason(t, undefined, deps)).toMatch(/banned this IP/);
      await expect(guardedReset(t, venue.read, deps)).rejects.toThrow(/banned this IP/);
    }
    expect(venue.calls).toBe(0);
    await expect(guardedRead(elsewhere, 1000, venue.read, "read", deps)).resolves.toBe(1);

    clock.advance(60_000);
    await expect(guardedRead(b, 1000, venue.read, "read", deps)).resolves.toBe(2);
  });

  it("last two minutes when the venue does not say", async () => {
    const clock = fakeClock();
    const deps = testGuard(clock);
    await expect(guardedRead(target("a"), 1000, banned(), "read", deps)).rejects.toThrow();
    clock.advance(119_999);
    expect(resetBlockedReason(target("b"), undefined, deps)).toMatch(/banned/);
    clock.advance(1);
    expect(resetBlockedReason(target("b"), undefined, deps)).toBeNull();
  });

  it("are never shortened by a later, shorter block", () => {
    const blocks = new Blocks(new Map());
    const now = Date.UTC(2025, 0, 1, 12);
    blocks.set("host:x", { kind: "banned", reason: "long", until: now + 10_000 });
    blocks.set("host:x", { kind: "banned", reason: "short", until: now + 1_000 });
    expect(blocks.activeFor(["host:x"], now + 5_000)?.reason).toBe("long");
    expect(blocks.activeFor(["host:x"], now + 10_000)).toBeNull();
  });
});
