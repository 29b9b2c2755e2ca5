import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openLiveStream, type LiveStreamHandlers } from "@/lib/client/live-stream";
import { row, snapshot, transition } from "./live-fixtures";

// A stand-in EventSource the test drives by hand.
class FakeSource {
  static all: FakeSource[] = [];
  closed = false;
  onerror: (() => void) | null = null;
  private listeners = new Map<string, ((e: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    FakeSource.all.push(this);
  }
  addEventListener(name: string, fn: (e: { data: string }) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
  }
  emit(name: string, data: unknown) {
    for (const fn of this.listeners.get(name) ?? []) fn({ data: JSON.stringify(data) });
  }
  close() {
    this.closed = true;
  }
}

function setup() {
  const calls: string[] = [];
  const handlers: LiveStreamHandlers = {
    onSnapshot: () => calls.push("snapshot"),
    onAccount: () => calls.push("account"),
    onTransition: () => calls.push("transition"),
    onLiveChange: (live) => calls.push(live ? "live" : "down"),
  };
  const stream = openLiveStream(handlers, {
    silenceMs: () => 30_000,
    random: () => 0,
    createEventSource: (url) => new FakeSource(url) as unknown as EventSource,
  });
  const last = () => FakeSource.all.at(-1)!;
  return { calls, stream, last };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSource.all = [];
});
afterEach(() => vi.useRealTimers());

describe("live stream connection", () => {
  it("is live after the snapshot and passes updates and transitions on", () => {
    const { calls, last, stream } = setup();
    expect(last().url).toBe("/api/stream");
    last().emit("account", { accountId: "a", serverTime: 1, rows: [] });
    last().emit("snapshot", snapshot([row({ id: "a/BTC" })]));
    last().emit("account", { accountId: "a", serverTime: 1, rows: [] });
    last().emit("transition", transition({ rowId: "a/BTC" }));
    expect(calls).toEqual(["snapshot", "live", "account", "transition"]);
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
