import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseAccountUpdate, parseSnapshot } from "@/lib/client/stream-messages";
import { FakeSource, openTestStream } from "./fake-event-source";
import { T, row, snapshot } from "./live-fixtures";

const setup = () => openTestStream();

beforeEach(() => {
  vi.useFakeTimers();
  FakeSource.all = [];
});
afterEach(() => vi.useRealTimers());

describe("live stream connection", () => {
  it("is live after the snapshot and passes updates on; the server's transition events are not used", () => {
    const { calls, last, stream } = setup();
    expect(last().url).toBe("/api/stream");
    last().emit("account", { accountId: "a", serverTime: 1, rows: [] });
    last().emit("snapshot", snapshot([row({ id: "a/BTC" })]));
    last().emit("account", { accountId: "a", serverTime: 1, rows: [] });
    // Freezes are detected from the rows (freeze-tracker.ts); the server still sends these.
    last().emit("transition", {
      rowId: "a/BTC",
      scope: "BTC",
      from: "active",
      to: "frozen",
      at: 1,
    });
    expect(calls).toEqual(["snapshot", "live", "account"]);
    stream.close();
  });

  it("reconnects itself after an error with growing backoff, and resets it once live", () => {
    const { calls, last, stream } = setup();
    last().onerror?.();
    expect(last().closed).toBe(true);
    expect(calls).toEqual(["down"]);
    vi.advanceTimersByTime(499);
    expect(FakeSource.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSource.all).toHaveLength(2);
    last().onerror?.();
    vi.advanceTimersByTime(999);
    expect(FakeSource.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSource.all).toHaveLength(3);
    last().emit("snapshot", snapshot([]));
    last().onerror?.();
    vi.advanceTimersByTime(500);
    expect(FakeSource.all).toHaveLength(4);
    stream.close();
  });

  it("treats a silent stream as dead, and a connection without a snapshot as failed", () => {
    const { calls, last, stream } = setup();
    vi.advanceTimersByTime(10_000);
    expect(FakeSource.all[0]!.closed).toBe(true);
    vi.advanceTimersByTime(500);
    last().emit("snapshot", snapshot([]));
    vi.advanceTimersByTime(29_000);
    last().emit("account", { accountId: "a", serverTime: 1, rows: [] });
    vi.advanceTimersByTime(29_000);
    expect(last().closed).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(last().closed).toBe(true);
    expect(calls).toEqual(["down", "snapshot", "live", "account", "down"]);
    stream.close();
  });

  it("drops malformed messages and stops everything on close", () => {
    const { calls, last, stream } = setup();
    last().emit("snapshot", { nope: true });
    expect(calls).toEqual([]);
    stream.close();
    expect(last().closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeSource.all).toHaveLength(1);
  });
});

describe("stream message parsing", () => {
  it("accepts well-formed messages and drops anything else", () => {
    const snap = snapshot([row({ id: "a/BTC" })]);
    expect(parseSnapshot(JSON.stringify(snap))).toEqual(snap);
    expect(parseSnapshot("{not json")).toBeNull();
    expect(parseSnapshot(JSON.stringify({ serverTime: 1, rows: [{ id: 1 }] }))).toBeNull();
    const update = { accountId: "a", serverTime: T, rows: [row({ id: "a/BTC" })] };
    expect(parseAccountUpdate(JSON.stringify(update))).toEqual(update);
    expect(parseAccountUpdate(JSON.stringify({ accountId: "a", rows: [] }))).toBeNull();
  });
});
