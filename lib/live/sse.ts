import "server-only";
import { hub } from "@/lib/live/hub";
import type { StreamSlot } from "@/lib/live/stream-limits";
import type { AccountUpdate, DeskSnapshot, RowTransition } from "@/lib/model/types";
import { env } from "@/lib/platform/env";
import { isStopping, RESTART_RETRY_MS } from "@/lib/platform/lifecycle";
import { log } from "@/lib/platform/log";
import { noteStreamReleased } from "@/lib/platform/memory-trim";
import { singleton } from "@/lib/platform/singleton";

// The browsers' server-sent-events streams: each gets a snapshot, then every account update and
// transition from the hub. What one stream may cost is bounded:
// - every hub event is serialised once and the same bytes are queued on every stream;
// - account updates are batched: each waits up to MMP_STREAM_BATCH_MS (250) to share one write
//   with the others (well under the rows' stale limits and a person's notice), and a later update
//   of the same account replaces the one pending (an update carries all of the account's rows).
//   A transition (a freeze, a reset taking effect) never waits: it goes out at once, after its
//   own account's pending update. Each write costs every stream a queue entry and a socket write,
//   so with thousands of streams the writes per second, not the bytes, bound the process;
// - a stream's queue is counted in bytes its client has not taken yet (a pull-based stream with a
//   high-water mark of 0: the queue only fills while the client is not reading, because Next
//   stops pulling when the socket pushes back). Past MMP_STREAM_BACKLOG_BYTES, or without
//   catching up once in MMP_STREAM_STALL_MS, the stream is dropped: a last `dropped` event with
//   a `retry:` hint, and its queue is discarded if the client does not take even that (its
//   socket, once nothing moves on it, is closed by lib/server/stream-sockets.ts);
// - one shared timer sends the pings (so proxies keep the connection) and checks every stream;
//   nothing is kept per stream once it ends (hub listeners are shared, slots and the session
//   watch are released at once).
// Streams are also closed after a while (MAX_AGE_MS) so load spreads again over processes, and on
// shutdown (lib/server/shutdown.ts) each gets a last `shutdown` event with a `retry:` hint.

const SWEEP_MS = 1000;

const PING_MS = 15_000;
const MAX_AGE_MS = 10 * 60_000;
/** A stream ended for any reason but shutdown: how long its client has to take the last bytes
 * before the connection is cut (a client that stopped reading would otherwise hold it forever). */
const END_GRACE_MS = 5000;
/** When a dropped client should come back: later than a plain reconnect, it was falling behind. */
const DROPPED_RETRY_MS = 5000;

export type EndReason = "shutdown" | "slow_consumer";

const encoder = new TextEncoder();
const HELLO = encoder.encode("retry: 1000\n\n");
const PING = encoder.encode(": ping\n\n");

const eventFrame = (event: string, data: unknown): Uint8Array =>
  encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

/** The last message of a stream ended by the server: the standard `retry:` field (EventSource
 * waits that long before reconnecting) and an event naming why, for lib/client/live-stream.ts. */
function endFrame(reason: EndReason, retryMs: number): Uint8Array {
  const event = reason === "shutdown" ? "shutdown" : "dropped";
  return encoder.encode(
    `retry: ${retryMs}\nevent: ${event}\ndata: ${JSON.stringify({ reason, retryMs })}\n\n`,
  );
}

// A cut stream errors with an AbortError: Next then just closes the connection (any other error
// would be logged by Next as a failed response).
const cutReason = () => new DOMException("stream ended by the server", "AbortError");

interface Registry {
  open: Set<LiveStream>;
  /** Ended, waiting for their clients to take the last bytes (or to be cut off). */
  ending: Set<LiveStream>;
  timer: ReturnType<typeof setInterval> | null;
  lastPingAt: number;
  /** Account updates not written yet, the latest per account, in the order they first came. */
  pending: Map<string, AccountUpdate>;
  flushTimer: ReturnType<typeof setTimeout> | null;
}

const registry = singleton<Registry>("live-streams", () => ({
  open: new Set(),
  ending: new Set(),
  timer: null,
  lastPingAt: 0,
  pending: new Map(),
  flushTimer: null,
}));

class LiveStream {
  readonly body: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private phase: "open" | "ending" | "done" = "open";
  private left = false;
  /** When the client last had taken everything; null until Next first pulls. */
  private drainedAt: number | null = null;
  private readonly openedAt = Date.now();
  private readonly expiresAt = this.openedAt + MAX_AGE_MS * (0.8 + Math.random() * 0.4);
  private cutAt = 0;
  private readonly onLeave: (() => void)[] = [];

  constructor(private readonly slot: StreamSlot) {
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        // With a high-water mark of 0, pull runs only when a read waits on an empty queue.
        pull: () => {
          this.drainedAt = Date.now();
        },
        cancel: () => this.done(),
      },
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
  }

  /** Bytes queued that the client has not taken. */
  backlog(): number {
    return Math.max(0, -(this.controller.desiredSize ?? 0));
  }

  whenLeaving(fn: () => void): void {
    if (this.left) fn();
    else this.onLeave.push(fn);
  }

  send(chunk: Uint8Array): void {
    if (this.phase !== "open") return;
    // Before the first pull the snapshot is still queued: not a client falling behind.
    const backlog = this.backlog();
    if (this.drainedAt !== null && backlog > env().MMP_STREAM_BACKLOG_BYTES)
      return this.drop(`${backlog} bytes not taken`);
    this.controller.enqueue(chunk);
  }

  /** Ends the stream: a last message (or none), then close. The client has graceMs to take it. */
  end(last: Uint8Array | null, graceMs: number): void {
    if (this.phase !== "open") return;
    this.phase = "ending";
    this.leave();
    this.cutAt = Date.now() + graceMs;
    registry.ending.add(this);
    try {
      if (last) this.controller.enqueue(last);
      this.controller.close();
    } catch {
      this.done(); // the client is already gone
    }
  }

  drop(why: string): void {
    log.warn(
      { username: this.slot.username, backlog: this.backlog(), why },
      "stream dropped: its client is not keeping up",
    );
    this.end(endFrame("slow_consumer", DROPPED_RETRY_MS), END_GRACE_MS);
  }

  /** The shared timer's check. */
  tick(now: number, stallMs: number): void {
    if (this.phase === "open") {
      const caughtUpAt = this.drainedAt ?? this.openedAt;
      if (this.backlog() > 0 && now - caughtUpAt > stallMs)
        this.drop(`not caught up for ${now - caughtUpAt} ms`);
      else if (now >= this.expiresAt) this.end(null, END_GRACE_MS);
    } else if (this.phase === "ending") {
      // Closed and everything taken: the stream is finished.
      if (this.backlog() === 0 || now >= this.cutAt) this.done();
    }
  }

  /** The client is gone, the stream is finished, or its client is cut off: nothing of it stays
   * behind. Erroring a stream that has closed or been cancelled changes nothing; one still
   * holding bytes drops them and its connection is closed. */
  done(): void {
    if (this.phase === "done") return;
    this.phase = "done";
    this.leave();
    registry.ending.delete(this);
    this.controller.error(cutReason());
    noteStreamReleased();
  }

  /** Leaves the open streams: its slot, the session watch, the abort listener. */
  private leave(): void {
    if (this.left) return;
    this.left = true;
    registry.open.delete(this);
    hub.streams = registry.open.size;
    this.slot.release();
    for (const fn of this.onLeave.splice(0)) fn();
  }
}

function sweep(): void {
  const now = Date.now();
  const stallMs = env().MMP_STREAM_STALL_MS;
  // Well within the stall limit, which also closes sockets that write nothing for that long
  // (lib/server/stream-sockets.ts).
  if (now - registry.lastPingAt >= Math.min(PING_MS, stallMs / 2)) {
    registry.lastPingAt = now;
    for (const s of registry.open) s.send(PING);
  }
  for (const s of registry.open) s.tick(now, stallMs);
  for (const s of registry.ending) s.tick(now, stallMs);
  if (registry.open.size === 0 && registry.ending.size === 0 && registry.timer) {
    clearInterval(registry.timer);
    registry.timer = null;
  }
}

function ensureSweeping(): void {
  if (registry.timer) return;
  registry.lastPingAt = Date.now();
  registry.timer = setInterval(sweep, SWEEP_MS);
  registry.timer.unref();
}

/** Every hub event is turned into bytes once, here, and those bytes go to every open stream. */
function sendToAll(frames: Uint8Array[]): void {
  if (frames.length === 0 || registry.open.size === 0) return;
  const chunk = frames.length === 1 ? frames[0]! : concat(frames);
  for (const s of registry.open) s.send(chunk);
}

/** The pending account updates, in one chunk. */
function flush(): void {
  if (registry.flushTimer) clearTimeout(registry.flushTimer);
  registry.flushTimer = null;
  const frames = [...registry.pending.values()].map((u) => eventFrame("account", u));
  registry.pending.clear();
  sendToAll(frames);
}

function concat(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.byteLength, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.byteLength;
  }
  return out;
}

function onAccount(u: AccountUpdate): void {
  if (registry.open.size === 0) return;
  registry.pending.set(u.accountId, u);
  if (registry.flushTimer) return;
  registry.flushTimer = setTimeout(() => flush(), env().MMP_STREAM_BATCH_MS);
  registry.flushTimer.unref();
}

/** A transition goes out at once, after its own account's pending update (the rows the page
 * shows the change with); other accounts' updates keep waiting for their write, so a freeze
 * costs each stream one small write, not everything pending. */
function onTransition(t: RowTransition): void {
  if (registry.open.size === 0) return;
  const own = registry.pending.get(t.accountId);
  registry.pending.delete(t.accountId);
  const frames = own ? [eventFrame("account", own)] : [];
  frames.push(eventFrame("transition", t));
  sendToAll(frames);
}

function listenToHub(): void {
  singleton("live-broadcast", () => {
    hub.on("account", onAccount);
    hub.on("transition", onTransition);
    return true;
  });
}

/**
 * One browser's stream. `slot` is its place under the stream caps (lib/live/stream-limits.ts),
 * released when the stream ends; `watch` is called once the stream is open with the function
 * that ends it and returns what to call when it ends (the stream route watches the session with
 * it: lib/auth/session-watch.ts).
 */
export function eventStream(
  slot: StreamSlot,
  snapshot: DeskSnapshot,
  signal: AbortSignal,
  watch: (stop: () => void) => () => void = () => () => undefined,
): ReadableStream<Uint8Array> {
  listenToHub();
  const stream = new LiveStream(slot);
  registry.open.add(stream);
  hub.streams = registry.open.size;
  ensureSweeping();
  stream.send(HELLO);
  stream.send(eventFrame("snapshot", snapshot));
  const onAbort = () => stream.done();
  signal.addEventListener("abort", onAbort, { once: true });
  stream.whenLeaving(() => signal.removeEventListener("abort", onAbort));
  const unwatch = watch(() => stream.end(null, END_GRACE_MS));
  stream.whenLeaving(unwatch);
  if (signal.aborted) stream.done();
  // Opened while the process began stopping (its snapshot was being built): end it at once.
  else if (isStopping()) stream.end(endFrame("shutdown", RESTART_RETRY_MS), 1000);
  return stream.body;
}

/** Open streams in this process. */
export const openStreams = (): number => registry.open.size;

/**
 * Shutdown: every open stream gets a last `shutdown` event with a `retry:` hint and is closed.
 * Resolves with how many there were once every one of them has been taken by its client or cut
 * off (after at most graceMs).
 */
export async function endAllStreams(graceMs: number): Promise<number> {
  const last = endFrame("shutdown", RESTART_RETRY_MS);
  flush(); // what was pending goes out before the goodbye
  const count = registry.open.size;
  for (const s of registry.open) s.end(last, graceMs);
  const deadline = Date.now() + graceMs + SWEEP_MS;
  while (registry.ending.size > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = Date.now();
    for (const s of registry.ending) s.tick(now, Number.POSITIVE_INFINITY);
  }
  return count;
}
