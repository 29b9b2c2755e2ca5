import { describe, expect, it } from "vitest";
import {
  clearedTriggerOf,
  clearedTriggersOf,
  noteClearedTrigger,
} from "@/lib/venues/cleared-triggers";
import { normaliseBinance } from "@/lib/venues/binance/normalise";

// The memory of cleared freezes only moves forward: an older record (a late share from another
// process, the ledger loaded at start after a reset of this run) never un-clears a later one,
// and a freeze after the cleared one reads FROZEN.

describe("cleared triggers", () => {
  it("keeps the latest trigger per row; an older note does not move it back", () => {
    noteClearedTrigger("bn-x", "BTCUSDT", 2_000);
    noteClearedTrigger("bn-x", "BTCUSDT", 1_000);
    noteClearedTrigger("bn-x", "ETHUSDT", 500);
    noteClearedTrigger("bn-xy", "BTCUSDT", 9_000);
    expect(clearedTriggerOf("bn-x", "BTCUSDT")).toBe(2_000);
    expect(clearedTriggersOf("bn-x")).toEqual({ BTCUSDT: 2_000, ETHUSDT: 500 });
    expect(clearedTriggerOf("bn-x", "SOLUSDT")).toBeNull();
  });

  it("a Binance row reads ACTIVE for the cleared trigger, FROZEN for a later one", () => {
    noteClearedTrigger("bn-y", "BTCUSDT", 5_000);
    const raw = (lastTriggerTime: number) => ({
      underlying: "BTCUSDT",
      windowTimeInMilliseconds: 3000,
      frozenTimeInMilliseconds: 0,
      qtyLimit: "1",
      deltaLimit: "1",
      lastTriggerTime,
    });
    const ctx = {
      venueNowMs: 9_000,
      offsetMs: 0,
      clearedTriggerAt: clearedTriggerOf("bn-y", "BTCUSDT"),
    };
    expect(normaliseBinance(raw(5_000), ctx).status).toBe("active");
    expect(normaliseBinance(raw(5_001), ctx).status).toBe("frozen");
  });
});
