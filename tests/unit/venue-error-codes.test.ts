import { describe, expect, it } from "vitest";
import { binanceError } from "@/lib/venues/binance/errors";
import { deribitError } from "@/lib/venues/deribit/errors";

// Codes added by the 2026-11 re-check of the venues' documentation (issue 14): each reads as
// what it means, with the venue's own code and words kept.
describe("venue error codes, 2026-11", () => {
  it.each([
    [-6001, "rejected", /invalid MMP window/],
    [-6002, "rejected", /invalid MMP frozen time/],
    [-6007, "rejected", /MMP unknown error/],
    [-2010, "rejected", /countdown cancel-all has fired/],
  ] as const)("Binance %i", (code, kind, label) => {
    const err = binanceError(code, "venue text", 400);
    expect(err.kind).toBe(kind);
    expect(err.message).toMatch(label);
    expect(err.message).toContain(`(${code}): venue text`);
    expect(err.details.venueCode).toBe(String(code));
  });

  it.each([
    [13043, /quotes frozen/],
    [13902, /mass quotes disabled/],
  ] as const)("Deribit %i", (code, label) => {
    const err = deribitError({ code, message: "venue_text" }, false);
    expect(err.kind).toBe("rejected");
    expect(err.message).toMatch(label);
    expect(err.message).toContain(`(${code}): venue_text`);
  });

  it("Deribit 10028 (credits used up) is a venue rate limit with a hard back-off", () => {
    const err = deribitError({ code: 10028, message: "too_many_requests" }, false);
    expect(err.kind).toBe("rate_limited");
    expect(err.message).toMatch(/venue rate limit/);
    // The guard blocks the key this long (1 s is its default for a rate limit).
    expect(err.details.retryAfterMs).toBe(10_000);
  });
});
