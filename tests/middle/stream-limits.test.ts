import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { hub } from "@/lib/live/hub";
import { endAllStreams, eventStream, openStreams } from "@/lib/live/sse";
import { admitStream, streamSlots } from "@/lib/live/stream-limits";
import type { AccountUpdate, RowTransition } from "@/lib/model/types";
import { isAppError } from "@/lib/platform/errors";
import { row, snapshot } from "../unit/live-fixtures";

// The live streams' limits, in-process: caps per user and per address, one serialisation per
// event shared by every stream, a byte-bounded queue per stream, slow consumers dropped, and
// nothing left behind once a stream ends. The same code serves GET /api/stream
// (tests/integration/stream-limits.test.ts drives it through the production server).

// Read lazily by lib/platform/env.ts at first use, i.e. after this runs.
process.env.MMP_STREAMS_PER_USER = "3";
process.env.MMP_STREAMS_PER_ADDRESS = "4";
process.env.MMP_STREAM_BACKLOG_BYTES = "4096";
process.env.MMP_STREAM_STALL_MS = "40000";
process.env.MMP_STREAM_BATCH_MS = "250";
const BATCH_MS = 250;

const decoder = new TextDecoder();
let n = 0;

/** An account update of about 2.5 KB. */
const update = (): AccountUpdate => ({
  accountId: "main",
  serverTime: (n += 1),
  rows: Array.from({ length: 8 }, (_, i) => row({ id: `main/S${i}` })),
});

/** An account update, written to the streams once its batch window has passed. */
async function emitUpdate(u: AccountUpdate = update()) {
  hub.emit("account", u);
  await vi.advanceTimersByTimeAsync(BATCH_MS);
}

function open(username = "u1", address: string | null = "10.0.0.1") {
  const slot = admitStream(username, address);
  const abort = new AbortController();
  let unwatched = 0;
  let stop: () => void = () => undefined;
  const body = eventStream(slot, snapshot([row({ id: "main/BTCUSDT" })]), abort.signal, (s) => {
    stop = s;
    return () => (unwatched += 1);
  });
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  const read = async () => {
    const r = await reader.read();
    if (!r.done) chunks.push(r.value);
    return r;
  };
  return {
    reader,
    chunks,
    read,
    abort: () => abort.abort(),
    endSession: () => stop(),
    unwatched: () => unwatched,
    text: () => chunks.map((c) => decoder.decode(c)).join(""),
    /** Reads until the stream is done (or errors); resolves with what ended it. */
    async drain(): Promise<"done" | "error"> {
      try {
        while (!(await read()).done);
        return "done";
      } catch {
        return "error";
      }
    },
  };
}

/** Reads the greeting and the snapshot, and leaves one read waiting (returned, in a box so
 * that awaiting this does not wait for it): the client has caught up. */
async function caughtUp(s: ReturnType<typeof open>) {
  await s.read();
  await s.read();
  return { next: s.read() };
}

beforeEach(() => vi.useFakeTimers());
afterEach(async () => {
  // Ends what a test left open; the shared timer then stops by itself (checked below).
  const ended = endAllStreams(0);
  await vi.advanceTimersByTimeAsync(7000);
  await ended;
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
  expect(openStreams()).toBe(0);
  expect(streamSlots()).toEqual({ users: 0, addresses: 0 });
});

describe("stream caps", () => {
  it("per user, then per address, with a 429 code and a Retry-After; a closed stream frees its place", () => {
    const mine = [open("u1"), open("u1"), open("u1")];
    const refused = (() => {
      try {
        open("u1");
      } catch (err) {
        return err;
      }
    })();
    expect(isAppError(refused, "too_many_streams")).toBe(true);
    expect(isAppError(refused) && refused.extra.retryAfterMs).toBeGreaterThan(0);
    open("u2"); // the fourth from this address
    expect(() => open("u3")).toThrow(/this address/);
    expect(() => open("u3", "10.0.0.2")).not.toThrow();
    expect(() => open("u3", null)).not.toThrow(); // no address: counted per user only
    mine[0]!.abort();
    expect(() => open("u1")).not.toThrow();
  });
});

describe("one serialisation per event", () => {
  it("every stream gets the very same bytes, and the hub keeps one listener however many streams", async () => {
    const a = open("u1");
    const b = open("u2");
    const c = open("u3");
    const before = hub.listenerCount("account");
    const readers = [a, b, c].map(async (s) => (await (await caughtUp(s)).next).value);
    await emitUpdate();
    const [x, y, z] = await Promise.all(readers);
    expect(x).toBeInstanceOf(Uint8Array);
    expect(y).toBe(x);
    expect(z).toBe(x);
    expect(decoder.decode(x)).toMatch(/^event: account\ndata: \{"accountId":"main"/);
    expect(hub.listenerCount("account")).toBe(before);
    expect(before).toBe(1);
  });
});

describe("batched writes", () => {
  const transition = (): RowTransition => ({
    rowId: "main/S1",
    accountId: "main",
    accountLabel: "Main",
    venue: "binance",
    scope: "S1",
    from: "active",
    to: "frozen",
    at: 1,
    frozenUntil: null,
  });
  const other = (): AccountUpdate => ({ ...update(), accountId: "other" });

  it("account updates within the window share one write, the latest of each account only", async () => {
    const s = open("u1");
    const next = (await caughtUp(s)).next;
    hub.emit("account", update());
    hub.emit("account", other());
    const latest = update();
    hub.emit("account", latest);
    await vi.advanceTimersByTimeAsync(BATCH_MS - 1);
    expect(s.chunks).toHaveLength(2); // greeting and snapshot: nothing written yet
    await vi.advanceTimersByTimeAsync(1);
    const text = decoder.decode((await next).value);
    const events = text.split("\n\n").filter(Boolean);
    expect(events).toHaveLength(2);
    expect(events[0]).toContain(`"accountId":"main","serverTime":${latest.serverTime},`);
    expect(events[1]).toContain('"accountId":"other"');
  });

  it("a transition goes out at once, after its own account's pending update; others keep waiting", async () => {
    const s = open("u1");
    const next = (await caughtUp(s)).next;
    const u = update();
    hub.emit("account", other());
    hub.emit("account", u);
    hub.emit("transition", transition());
    const text = decoder.decode((await next).value);
    expect(text).toMatch(
      new RegExp(
        `^event: account\ndata: \\{"accountId":"main","serverTime":${u.serverTime},.*\n\nevent: transition\ndata: .*"to":"frozen".*\n\n$`,
      ),
    );
    // The other account's update goes out when the window ends, and nothing else.
    const after = s.read();
    await vi.advanceTimersByTimeAsync(BATCH_MS);
    const rest = decoder.decode((await after).value);
    expect(rest).toMatch(/^event: account\ndata: \{"accountId":"other"/);
    expect(rest.split("\n\n").filter(Boolean)).toHaveLength(1);
  });
});

describe("slow consumers", () => {
  it("a stream whose client stops reading is dropped once its backlog passes the byte cap; a reading one is not", async () => {
    const reading = open("u1");
    const stuck = open("u2");
    await caughtUp(stuck);
    const first = (await caughtUp(reading)).next;
    let reads = 0;
    const keepReading = (async () => {
      await first;
      for (;;) {
        const r = await reading.read();
        if (r.done) return;
        reads += 1;
      }
    })();
    const emit = () => emitUpdate(); // the reading client takes it
    await emit(); // taken by stuck's waiting read
    await emit(); // queued on stuck: ~2.5 KB
    expect(openStreams()).toBe(2);
    await emit(); // queued: ~5 KB, past the 4 KB cap
    await emit(); // refused: dropped
    expect(openStreams()).toBe(1);
    expect(streamSlots().users).toBe(1);
    expect(stuck.unwatched()).toBe(1);
    // Its client reads again later: what was queued, then the goodbye with when to come back.
    expect(await stuck.drain()).toBe("done");
    expect(stuck.text()).toMatch(
      /retry: 5000\nevent: dropped\ndata: \{"reason":"slow_consumer","retryMs":5000\}\n\n$/,
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(reads).toBe(3); // and the first

    expect(openStreams()).toBe(1);
    reading.abort();
    await keepReading.catch(() => undefined);
  });

  it("a dropped client that never reads again is cut off after the grace, and its stream released", async () => {
    const stuck = open("u1");
    await caughtUp(stuck);
    for (let i = 0; i < 4; i++) await emitUpdate();
    expect(openStreams()).toBe(0);
    await vi.advanceTimersByTimeAsync(6000);
    expect(await stuck.drain()).toBe("error");
  });

  it("a stream that has not caught up for MMP_STREAM_STALL_MS is dropped, under the byte cap", async () => {
    const slow = open("u1");
    await caughtUp(slow);
    await emitUpdate(); // taken
    await emitUpdate(); // waits: 2.5 KB, under the cap
    await vi.advanceTimersByTimeAsync(39_000 - 2 * BATCH_MS);
    expect(openStreams()).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(openStreams()).toBe(0);
  });

  it("pings come from one shared timer; an idle stream that reads them is never dropped", async () => {
    const idle = open("u1");
    const first = (await caughtUp(idle)).next;
    const got: string[] = [];
    const loop = (async () => {
      const r = await first;
      if (r.value) got.push(decoder.decode(r.value));
      for (;;) {
        const r = await idle.read();
        if (r.done) return;
        got.push(decoder.decode(r.value));
      }
    })();
    const timers = vi.getTimerCount();
    open("u2").abort(); // a second stream adds no timer
    expect(vi.getTimerCount()).toBe(timers);
    await vi.advanceTimersByTimeAsync(46_000);
    expect(got.filter((t) => t === ": ping\n\n").length).toBe(3);
    expect(openStreams()).toBe(1);
    idle.abort();
    await loop.catch(() => undefined);
  });
});

describe("ending", () => {
  it("a stream whose session ends is closed and leaves nothing behind", async () => {
    const s = open("u1");
    await caughtUp(s);
    s.endSession();
    expect(openStreams()).toBe(0);
    expect(s.unwatched()).toBe(1);
    expect(await s.drain()).toBe("done");
  });

  it("shutdown: each stream gets a `shutdown` event with a retry hint; one not reading is cut off", async () => {
    const reading = open("u1");
    const stuck = open("u2");
    await caughtUp(stuck);
    await emitUpdate();
    await emitUpdate(); // stuck has a backlog now
    const readingDone = reading.drain();
    const ended = endAllStreams(1000);
    await vi.advanceTimersByTimeAsync(2100);
    expect(await ended).toBe(2);
    expect(await readingDone).toBe("done");
    expect(reading.text()).toMatch(
      /retry: 3000\nevent: shutdown\ndata: \{"reason":"shutdown","retryMs":3000\}\n\n$/,
    );
    expect(await stuck.drain()).toBe("error");
    expect(vi.getTimerCount()).toBe(0);
  });
});
