import { describe, expect, it } from "vitest";
import { createFreezeTracker } from "@/lib/client/freeze-tracker";
import { createAlertStore, MAX_ALERTS } from "@/lib/client/alert-store";
import { T, row } from "./live-fixtures";

const active = (fetchedAt = T) => row({ id: "main/BTCUSDT", fetchedAt });
const unknown = (fetchedAt = T) => row({ id: "main/BTCUSDT", status: "unknown", fetchedAt });
const frozen = (fetchedAt = T, lastTriggerAt: number | null = fetchedAt - 200) =>
  row({ id: "main/BTCUSDT", status: "frozen", fetchedAt, lastTriggerAt });

describe("freeze tracker", () => {
  it("does not alert for rows already frozen when the page opened", () => {
    const tracker = createFreezeTracker([frozen()]);
    expect(tracker.observeRows([frozen(T + 1_000, T - 200)], T + 1_000).freezes).toEqual([]);
    // Nor when the venue drops out and the row comes back frozen (the server would call that a
    // transition from unknown).
    expect(tracker.observeRows([unknown(T + 2_000)], T + 2_000).freezes).toEqual([]);
    expect(tracker.observeRows([frozen(T + 3_000, T - 200)], T + 3_000).freezes).toEqual([]);
  });

  it("alerts once when a row turns frozen between two cache states, at the venue's trigger time", () => {
    const tracker = createFreezeTracker([active()]);
    const seen = tracker.observeRows([frozen(T + 1_000, T + 900)], T + 1_100, [active()]);
    expect(seen.freezes).toHaveLength(1);
    expect(seen.freezes[0]).toMatchObject({ rowId: "main/BTCUSDT", scope: "BTCUSDT", at: T + 900 });
    expect(seen.changed).toBe(true);
    expect(tracker.observeRows([frozen(T + 2_000, T + 900)], T + 2_100).freezes).toEqual([]);
  });

  it("uses the server time when the venue reports no new trigger time", () => {
    const tracker = createFreezeTracker([active()]);
    const seen = tracker.observeRows([frozen(T + 1_000, null)], T + 1_100);
    expect(seen.freezes[0]?.at).toBe(T + 1_100);
  });

  it("the same freeze written twice (a stream update, then a reconnect snapshot): one alert", () => {
    const tracker = createFreezeTracker([active()]);
    expect(tracker.observeRows([frozen(T + 1_000)], T + 1_000, [active()]).freezes).toHaveLength(1);
    expect(tracker.observeRows([frozen(T + 1_000)], T + 1_000).freezes).toEqual([]);
  });

  it("the same freeze seen in newer data first, then in an older answer: one alert", () => {
    const tracker = createFreezeTracker([active()]);
    expect(tracker.observeRows([frozen(T + 1_000)], T + 1_000).freezes).toHaveLength(1);
    expect(tracker.observeRows([frozen(T + 500, T + 800)], T + 600).freezes).toEqual([]);
  });

  it("a freeze seen through a venue outage (frozen → unknown → frozen) is one freeze", () => {
    const tracker = createFreezeTracker([active()]);
    expect(tracker.observeRows([frozen(T + 1_000)], T + 1_000).freezes).toHaveLength(1);
    expect(tracker.observeRows([unknown(T + 1_000)], T + 9_000).freezes).toEqual([]);
    expect(tracker.observeRows([frozen(T + 10_000, T + 800)], T + 10_000).freezes).toEqual([]);
  });

  it("a late poll answer showing the row active does not end the freeze (no second alert)", () => {
    const tracker = createFreezeTracker([active()]);
    expect(tracker.observeRows([frozen(T + 1_000)], T + 1_000).freezes).toHaveLength(1);
    tracker.observeRows([active(T + 500)], T + 600);
    expect(tracker.isFrozen("main/BTCUSDT")).toBe(true);
    // The same freeze (same trigger time) in the next update.
    expect(tracker.observeRows([frozen(T + 2_000, T + 800)], T + 2_000).freezes).toEqual([]);
  });

  it("alerts again after the row was seen active (reset, expiry) and froze again", () => {
    const tracker = createFreezeTracker([active()]);
    expect(tracker.observeRows([frozen(T + 1_000)], T + 1_000).freezes).toHaveLength(1);
    expect(tracker.observeRows([active(T + 2_000)], T + 2_000).changed).toBe(true);
    expect(tracker.observeRows([frozen(T + 3_000)], T + 3_000).freezes).toHaveLength(1);
    expect(tracker.observeRows([active(T + 4_000)], T + 4_000).changed).toBe(true);
    expect(tracker.observeRows([frozen(T + 5_000)], T + 5_000).freezes).toHaveLength(1);
  });

  it("a new trigger time while still frozen is a new freeze (re-triggered between two reads)", () => {
    const tracker = createFreezeTracker([frozen(T, T - 100)]);
    expect(tracker.observeRows([frozen(T + 60_000, T + 59_000)], T + 60_000).freezes).toHaveLength(
      1,
    );
  });

  it("adopts the venue's trigger time for a freeze first seen without one, without alerting", () => {
    const tracker = createFreezeTracker([active()]);
    expect(tracker.observeRows([frozen(T + 1_000, null)], T + 1_000).freezes).toHaveLength(1);
    expect(tracker.observeRows([frozen(T + 1_000, T + 950)], T + 1_000).freezes).toEqual([]);
    expect(tracker.observeRows([frozen(T + 2_000, T + 950)], T + 2_000).freezes).toEqual([]);
  });
});

describe("alert store", () => {
  it("words the alert, keeps the newest few, tells listeners once, and dismisses", () => {
    const store = createAlertStore();
    const heard: string[] = [];
    store.onAlert((a) => heard.push(a.text));
    const event = {
      rowId: "main/BTCUSDT",
      accountId: "main",
      accountLabel: "Binance main",
      venue: "binance" as const,
      scope: "BTCUSDT",
      at: Date.UTC(2025, 0, 1, 12, 34, 56),
      frozenUntil: null,
    };
    const first = store.push(event);
    expect(first.text).toBe("FROZEN: BTCUSDT on Binance main at 12:34:56 UTC");
    expect(heard).toEqual([first.text]);
    for (let i = 0; i < MAX_ALERTS + 2; i++) store.push(event);
    expect(store.getSnapshot()).toHaveLength(MAX_ALERTS);
    expect(store.getSnapshot()[0]!.id).toBeGreaterThan(store.getSnapshot()[1]!.id);
    store.dismiss(store.getSnapshot()[0]!.id);
    expect(store.getSnapshot()).toHaveLength(MAX_ALERTS - 1);
    store.dismissAll();
    expect(store.getSnapshot()).toHaveLength(0);
  });
});
