"use client";

import { useSyncExternalStore } from "react";

// ONE clock for the whole page. Every countdown and age cell subscribes here instead of running
// its own interval, so 1,000 rows cost one timer and one batched render per second, and all
// clocks on screen change together. Ticks are aligned to the wall-clock second and re-aimed each
// time, so they do not drift; after a hidden tab becomes visible the next tick catches up, and
// every consumer computes from absolute times, so nothing accumulates error while throttled.

const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setTimeout> | undefined;

function tick(): void {
  now = Date.now();
  for (const listener of listeners) listener();
}

function schedule(): void {
  timer = setTimeout(
    () => {
      tick();
      schedule();
    },
    1_000 - (Date.now() % 1_000),
  );
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) schedule();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
}

function getSnapshot(): number {
  // While nobody is subscribed the value is not ticking; refresh it lazily so a newly mounted
  // page does not start from a time minutes old. Only past a full second, so two calls in a row
  // (React compares them) still return the same value.
  if (timer === undefined && Date.now() - now >= 1_000) now = Date.now();
  return now;
}

// null on the server and during hydration: the server's "now" would never match the browser's,
// so time-relative text is rendered only once the browser's clock is in charge.
const getServerSnapshot = (): null => null;

/** For derived per-second values (see useStaleRows): subscribe to the same single tick, read the
 * same value every consumer sees, and let useSyncExternalStore skip renders when the derived
 * value did not change. */
export { subscribe as subscribeNow, getSnapshot as readNow };

/** Browser clock (epoch ms), updated once a second; null until hydrated. */
export function useNow(): number | null {
  return useSyncExternalStore<number | null>(subscribe, getSnapshot, getServerSnapshot);
}
