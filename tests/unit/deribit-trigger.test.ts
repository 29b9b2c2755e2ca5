import { describe, expect, it } from "vitest";
import { triggerOf } from "@/lib/venues/deribit/push-messages";
import { deribitScope } from "@/lib/venues/deribit/scope";

// user.mmp_trigger notes as the desk reads them (venues.md 2026-11: block_rfq, index "all").
const note = (data: Record<string, unknown>) => ({ channel: "user.mmp_trigger.btc_usd", data });
const watched = new Set(["btc_usd", "btc_usd/mm1"]);

describe("triggerOf", () => {
  it("a trigger of a watched index or group, on our clock; 0 = until manual reset", () => {
    expect(
      triggerOf(note({ index_name: "btc_usd", frozen_until: 0 }), watched, 50, deribitScope),
    ).toEqual({
      scope: "btc_usd",
      frozenUntil: null,
      blockRfq: false,
    });
    expect(
      triggerOf(
        note({ index_name: "btc_usd", mmp_group: "mm1", frozen_until: 10_050 }),
        watched,
        50,
        deribitScope,
      ),
    ).toEqual({ scope: "btc_usd/mm1", frozenUntil: 10_000, blockRfq: false });
  });

  it("an unwatched group or a malformed note is nothing", () => {
    expect(
      triggerOf(note({ index_name: "eth_usd", frozen_until: 0 }), watched, 0, deribitScope),
    ).toBeNull();
    expect(triggerOf(note({ index_name: "btc_usd" }), watched, 0, deribitScope)).toBeNull();
  });

  it("carries block_rfq, whatever the index (it may be 'all'), so the desk can tell it apart", () => {
    expect(
      triggerOf(
        note({ index_name: "all", frozen_until: 0, block_rfq: true }),
        watched,
        0,
        deribitScope,
      ),
    ).toEqual({ scope: "all", frozenUntil: null, blockRfq: true });
  });
});
