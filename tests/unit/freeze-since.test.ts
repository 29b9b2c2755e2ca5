import { beforeEach, describe, expect, it } from "vitest";
import { forgetFreezesForTests, withFrozenSince } from "@/lib/live/freeze-since";
import type { MmpRow } from "@/lib/model/types";
import { row as fixtureRow } from "./live-fixtures";

// Issue 13, point 2: since when a frozen row has been frozen.
const row = (patch: Partial<MmpRow>): MmpRow =>
  fixtureRow({ id: "bb-main/BTC", status: "frozen", fetchedAt: 1_000, ...patch });

describe("frozen since", () => {
  beforeEach(() => forgetFreezesForTests());

  it("the venue's trigger time where it gives one", () => {
    expect(withFrozenSince(row({ lastTriggerAt: 500 }))).toMatchObject({
      frozenSince: 500,
      frozenSinceObserved: false,
    });
  });

  it("else the first read that saw it frozen, kept through later reads and an outage, forgotten once ACTIVE", () => {
    expect(withFrozenSince(row({ fetchedAt: 1_000 }))).toMatchObject({
      frozenSince: 1_000,
      frozenSinceObserved: true,
    });
    expect(withFrozenSince(row({ fetchedAt: 2_000 })).frozenSince).toBe(1_000);
    expect(withFrozenSince(row({ status: "unknown", fetchedAt: 3_000 })).frozenSince).toBe(1_000);
    expect(
      withFrozenSince(row({ status: "active", fetchedAt: 4_000 })).frozenSince,
    ).toBeUndefined();
    expect(withFrozenSince(row({ fetchedAt: 5_000 })).frozenSince).toBe(5_000);
  });

  it("a row that is not frozen has no 'since'", () => {
    expect(withFrozenSince(row({ status: "active" })).frozenSince).toBeUndefined();
    expect(withFrozenSince(row({ status: "unknown" })).frozenSince).toBeUndefined();
  });
});
