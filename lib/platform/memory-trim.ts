import "server-only";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// After a burst of stream requests (a flood of refused ones, or many streams closing at once)
// the memory they used is garbage, but V8 keeps the heap it grew to: on a busy server it returns
// the pages only when its memory reducer finds the process idle, which took 45-55 s after 2,000
// requests in our measurements (RSS 150 MB over its baseline meanwhile). So once such a burst
// has died down, the process runs one full collection, which returns those pages within a
// second or two. It blocks the event loop for a moment (tens of ms per 100 MB of heap), hence
// only after bursts and at most once per MIN_INTERVAL_MS; a normal desk never triggers it.
//
// The collector is V8's `gc` function: the one Node exposes with --expose-gc if an operator set
// it, otherwise taken from a fresh context with the flag switched on for that moment only (the
// way Jest's leak detector does it); if neither works, V8 is left to its own pace.

/** Streams closed or refused within WINDOW_MS that make a burst. */
const BURST = 200;
const WINDOW_MS = 60_000;
/** Quiet for this long after the last one: the burst is over. */
const QUIET_MS = 3000;
/** But never later than this after the burst began. */
const MAX_WAIT_MS = 15_000;
const MIN_INTERVAL_MS = 60_000;

type Collect = () => void;

const state = singleton("memory-trim", () => ({
  count: 0,
  firstAt: 0,
  burstAt: 0,
  lastTrimAt: 0,
  timer: null as ReturnType<typeof setTimeout> | null,
  collect: undefined as Collect | null | undefined,
}));

function collector(): Collect | null {
  if (state.collect !== undefined) return state.collect;
  const exposed: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return (state.collect = exposed as Collect);
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("gc");
    state.collect = typeof gc === "function" ? (gc as Collect) : null;
  } catch {
    state.collect = null;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
  return state.collect;
}

function trim(): void {
  state.timer = null;
  const wait = state.lastTrimAt + MIN_INTERVAL_MS - Date.now();
  if (wait > 0) {
    state.timer = setTimeout(trim, wait);
    state.timer.unref();
    return;
  }
  state.lastTrimAt = Date.now();
  state.count = 0;
  state.burstAt = 0;
  const collect = collector();
  if (!collect) return;
  const started = performance.now();
  const before = process.memoryUsage().heapTotal;
  collect();
  log.info(
    {
      ms: Math.round(performance.now() - started),
      heapMiB: {
        before: Math.round(before / 2 ** 20),
        after: Math.round(process.memoryUsage().heapTotal / 2 ** 20),
      },
    },
    "memory returned after a burst of stream requests",
  );
}

/** One stream request has been refused, or one stream has ended. */
export function noteStreamReleased(): void {
  const now = Date.now();
  if (now - state.firstAt > WINDOW_MS) {
    state.count = 0;
    state.firstAt = now;
  }
  state.count += 1;
  if (state.count < BURST) return;
  if (state.burstAt === 0) state.burstAt = now;
  if (state.timer) clearTimeout(state.timer);
  const delay = Math.min(QUIET_MS, Math.max(0, state.burstAt + MAX_WAIT_MS - now));
  state.timer = setTimeout(trim, delay);
  state.timer.unref();
}
