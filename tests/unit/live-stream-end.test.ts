import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeSource, openTestStream } from "./fake-event-source";
import { snapshot } from "./live-fixtures";

// A stream the server ends on purpose (`shutdown` on restart, `dropped` when the client fell
// behind) says when to come back: the page goes down at once and reconnects after that time
// (spread up to twice it), not after the error backoff, and not before.

const setup = (random: number) => openTestStream(random);

beforeEach(() => {
  vi.useFakeTimers();
  FakeSource.all = [];
});
afterEach(() => vi.useRealTimers());

describe("a stream ended by the server", () => {
  it.each(["shutdown", "dropped"])(
    "`%s`: down at once, back after the server's retry time (spread), then live again",
    (event) => {
      const { calls, last, stream } = setup(0.5);
      last().emit("snapshot", snapshot([]));
      const first = last();
      first.emit(event, { reason: "x", retryMs: 3000 });
      expect(first.closed).toBe(true);
      expect(calls).toEqual(["snapshot", "live", "down"]);
      first.onerror?.(); // the connection closing afterwards changes nothing
      vi.advanceTimersByTime(4499);
      expect(FakeSource.all).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(FakeSource.all).toHaveLength(2);
      last().emit("snapshot", snapshot([]));
      expect(calls).toEqual(["snapshot", "live", "down", "snapshot", "live"]);
      stream.close();
    },
  );

  it("a malformed or absurd retry time is ignored or bounded", () => {
    const { last, stream } = setup(0);
    last().emit("snapshot", snapshot([]));
    last().emit("shutdown", { retryMs: "soon" });
    expect(last().closed).toBe(false);
    last().emit("shutdown", { retryMs: 1e12 });
    expect(last().closed).toBe(true);
    vi.advanceTimersByTime(59_999);
    expect(FakeSource.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSource.all).toHaveLength(2);
    stream.close();
  });
});
