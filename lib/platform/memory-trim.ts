import "server-only";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// After a burst of stream requests (a flood of refused ones, or many streams closing at once)
// the memory they used is garbage, but V8 keeps the heap it grew to: on a busy server it returns
// the pages only when its memory reducer finds the process idle, which took 45-55 s after 2,000
// requests in our measurements (RSS 150 MB over its baseline meanwhile). So once such a burst
// has died down, the process runs a full collection (two in a row), which returns those pages
// within a second or two. It blocks the event loop for a moment (tens of ms per 100 MB of heap), hence
// only after bursts and at most once per MIN_INTERVAL_MS; a normal desk never triggers it.
//
// The collector is V8's `gc` function: the one Node exposes with --expose-gc if an operator set
// it, otherwise taken from a fresh context with the flag switched on for that moment only (the
// way Jest's leak detector does it); if neither works, V8 is left to its own pace.

/** Streams closed or refused, each within WINDOW_MS of the one before, that make a burst. */
const BURST = 200;
const WINDOW_MS = 60_000;
/** Quiet for this long after the last one: the burst is over (collecting earlier would find
 * the burst's requests still alive, and return nothing). */
const QUIET_MS = 2000;
const MIN_INTERVAL_MS = 10_000;

type Collect = () => void;

const state = singleton("memory-trim", () => ({
  count: 0,
  lastNoteAt: 0,
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
  state.count = 0;
  state.lastTrimAt = Date.now();
  const collect = collector();
  if (!collect) return;
  const started = performance.now();
  const before = process.memoryUsage().heapTotal;
  // Twice: the first collection finds the garbage, and only the next one gives back the pages
  // the first left empty (measured: old space 132 → 132 MB, then → 44 MB).
  collect();
  collect();
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  log.info(
    {
      ms: Math.round(performance.now() - started),
      heapMiB: { before: mib(before), after: mib(process.memoryUsage().heapTotal) },
    },
    "memory returned after a burst of stream requests",
  );
}

/** One stream request has been refused, or one stream has ended. */
export function noteStreamReleased(): void {
  const now = Date.now();
  if (now - state.lastNoteAt > WINDOW_MS) state.count = 0;
  state.lastNoteAt = now;
  state.count += 1;
  if (state.count < BURST) return;
  if (state.timer) clearTimeout(state.timer);
  state.timer = setTimeout(trim, Math.max(QUIET_MS, state.lastTrimAt + MIN_INTERVAL_MS - now));
  state.timer.unref();
}
