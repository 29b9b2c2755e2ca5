import { describe, expect, it } from "vitest";
import { STREAM_BACKOFF, backoffDelay } from "@/lib/client/backoff";

describe("stream reconnect backoff", () => {
  it("doubles from 1 s up to the 15 s cap, between half and all of the ceiling", () => {
    const low = (n: number) => backoffDelay(n, () => 0);
    const high = (n: number) => backoffDelay(n, () => 0.999999);
    expect([0, 1, 2, 3, 4, 5].map(low)).toEqual([500, 1_000, 2_000, 4_000, 7_500, 7_500]);
    expect([0, 1, 2, 3, 4, 5].map(high)).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
  });

  it("stays finite and capped after days of failures", () => {
    expect(backoffDelay(10_000, () => 0.5)).toBeLessThanOrEqual(STREAM_BACKOFF.maxMs);
    expect(backoffDelay(-3, () => 0)).toBe(500);
  });

  it("spreads reconnects of many screens (jitter)", () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, random)));
    expect(delays.size).toBeGreaterThan(40);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(4_000);
  });
});
