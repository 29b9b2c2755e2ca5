import { describe, expect, it } from "vitest";
import { frozenSpans, timelineSummary } from "@/lib/client/history-format";
import type { TriggerEvent } from "@/lib/model/types";
import { T } from "./live-fixtures";

// A row's 24 h timeline (issue 13): frozen intervals where they fell, clipped to the window.
const H = 3_600_000;
const event = (frozenAt: number, endedAt: number | null, id = frozenAt): TriggerEvent => ({
  id,
  rowId: "main/BTCUSDT",
  accountId: "main",
  venue: "binance",
  scope: "BTCUSDT",
  frozenAt,
  frozenUntil: null,
  endedAt,
  endedBy: endedAt === null ? null : "reset",
  resetBy: endedAt === null ? null : "trader1",
});

describe("frozenSpans", () => {
  it("places each freeze where it fell, oldest first; an open one runs to now", () => {
    const spans = frozenSpans([event(T - 1 * H, null), event(T - 5 * H, T - 4 * H)], T);
    expect(spans).toEqual([
      { from: T - 5 * H, to: T - 4 * H, open: false },
      { from: T - 1 * H, to: T, open: true },
    ]);
  });

  it("clips a freeze that began before the window, and drops one that ended before it", () => {
    const spans = frozenSpans([event(T - 30 * H, T - 20 * H), event(T - 40 * H, T - 25 * H)], T);
    expect(spans).toEqual([{ from: T - 24 * H, to: T - 20 * H, open: false }]);
  });
});

describe("timelineSummary", () => {
  it("says how often, how long in total and since when it is frozen now", () => {
    const spans = frozenSpans([event(T - 90_000, null), event(T - 5 * H, T - 5 * H + 60_000)], T);
    expect(timelineSummary(spans, T)).toBe(
      "Frozen 2 times in the last 24 hours, 2 min 30 s in total; frozen now, since 14:01:39 UTC.",
    );
  });

  it("a quiet row says so", () => {
    expect(timelineSummary([], T)).toBe("Not frozen in the last 24 hours.");
    expect(timelineSummary(frozenSpans([event(T - 2 * H, T - 2 * H + 500)], T), T)).toBe(
      "Frozen once in the last 24 hours, 500 ms in total.",
    );
  });
});
