import { describe, expect, it } from "vitest";
import { createAlertStore } from "@/lib/client/alert-store";
import { createFreezeTracker } from "@/lib/client/freeze-tracker";
import type { MmpRow } from "@/lib/model/types";
import { row as fixtureRow } from "./live-fixtures";

// Issue 13, point 5: a freeze alert leaves the alert area when its freeze ends (kept in a short
// "recent" list), instead of staying on a wall until someone clicks Dismiss.
const row = (id: string, status: MmpRow["status"], fetchedAt: number): MmpRow =>
  fixtureRow({ id, status, fetchedAt });

describe("freeze alerts follow their freeze", () => {
  it("the tracker reports the end; the store moves that row's alert to recent, others stay", () => {
    const tracker = createFreezeTracker([]);
    const store = createAlertStore();
    const frozen = [row("bb/BTC", "frozen", 1000), row("bb/ETH", "frozen", 1000)];
    for (const f of tracker.observeRows(frozen, 1000, undefined).freezes) store.push(f);
    expect(
      store
        .getSnapshot()
        .map((a) => a.rowId)
        .sort(),
    ).toEqual(["bb/BTC", "bb/ETH"]);

    const next = [row("bb/BTC", "active", 2000), row("bb/ETH", "frozen", 2000)];
    const seen = tracker.observeRows(next, 2000, frozen);
    expect(seen.ended).toEqual(["bb/BTC"]);
    for (const id of seen.ended) store.resolve(id, 2000);
    expect(store.getSnapshot().map((a) => a.rowId)).toEqual(["bb/ETH"]);
    expect(store.getRecent()).toMatchObject([{ rowId: "bb/BTC", endedAt: 2000 }]);
  });

  it("an unknown (stale) row has not been seen to end: its alert stays", () => {
    const tracker = createFreezeTracker([]);
    const frozen = [row("bb/BTC", "frozen", 1000)];
    tracker.observeRows(frozen, 1000, undefined);
    expect(tracker.observeRows([row("bb/BTC", "unknown", 2000)], 2000, frozen).ended).toEqual([]);
  });
});
