import { beforeEach, describe, expect, it } from "vitest";
import { holdOrder } from "@/lib/client/use-held-order";
import {
  DOUBLE_CLICK_MS,
  HOLD_AFTER_MS,
  acceptResetClick,
  resetActivityForTests,
  resetHold,
  resetSettled,
  resetStarted,
} from "@/lib/client/reset-activity";

// Issue 13, point 1: a click never lands on a row other than the one aimed at.
const rows = (...ids: string[]) => ids.map((id) => ({ id }));
const ids = (r: readonly { id: string }[]) => r.map((x) => x.id);

describe("holdOrder", () => {
  it("not held: the sorted order", () => {
    const r = holdOrder(rows("b", "a"), ["a", "b"], false);
    expect(ids(r.rows)).toEqual(["b", "a"]);
    expect(r.moved).toBe(0);
  });

  it("held: each row keeps its place, new rows go last, gone rows drop out; moved counts the difference", () => {
    // Shown: a (frozen), b (frozen), c. The reset of a re-sorts it below b.
    const r = holdOrder(rows("b", "a", "c", "d"), ["a", "b", "c", "x"], true);
    expect(ids(r.rows)).toEqual(["a", "b", "c", "d"]);
    expect(r.order).toEqual(["a", "b", "c", "d"]);
    expect(r.moved).toBe(2);
  });

  it("held: a row that left the filter (reset, under a Frozen filter) keeps its place until the hold ends", () => {
    const all = [
      { id: "a", status: "active" },
      { id: "b", status: "frozen" },
    ];
    const frozenOnly = all.filter((r) => r.status === "frozen");
    const held = holdOrder(frozenOnly, ["a", "b"], true, all);
    expect(held.rows).toEqual(all);
    expect(ids(holdOrder(frozenOnly, ["a", "b"], false, all).rows)).toEqual(["b"]);
  });

  it("the first render has nothing to hold", () => {
    expect(ids(holdOrder(rows("b", "a"), null, true).rows)).toEqual(["b", "a"]);
  });
});

describe("reset clicks", () => {
  beforeEach(() => resetActivityForTests());

  it("the second click of a double click is dropped, on any row; a later click is not", () => {
    const at = (t: number, extra: { detail?: number; x?: number; y?: number } = {}) =>
      acceptResetClick({ at: t, x: 100, y: 200, ...extra });
    expect(at(1000)).toBe(true);
    // Same point, 150 ms later: the second click of a double click (even on another row's button).
    expect(at(1150)).toBe(false);
    // The browser says it is a multi-click, wherever it landed.
    expect(at(1300, { detail: 2, y: 240 })).toBe(false);
    expect(at(1000 + DOUBLE_CLICK_MS)).toBe(true);
  });

  it("a deliberate click on another row's button (the pointer moved) goes through", () => {
    expect(acceptResetClick({ at: 1000, x: 100, y: 200 })).toBe(true);
    expect(acceptResetClick({ at: 1300, x: 100, y: 260 })).toBe(true);
    // Keyboard activations (detail 0, no point) are each a separate intent.
    expect(acceptResetClick({ at: 1400, detail: 0, x: 0, y: 0 })).toBe(true);
  });

  it("the order is held while a reset is pending and for a while after it settled", () => {
    expect(resetHold(0)).toBe(false);
    resetStarted();
    expect(resetHold(10_000)).toBe(true);
    resetSettled(20_000);
    expect(resetHold(20_000 + HOLD_AFTER_MS - 1)).toBe(true);
    expect(resetHold(20_000 + HOLD_AFTER_MS)).toBe(false);
  });
});
