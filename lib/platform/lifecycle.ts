import "server-only";
import { AppError } from "@/lib/platform/errors";
import { singleton } from "@/lib/platform/singleton";

// Whether this process has been asked to stop, and the work it must finish before it exits.
// lib/server/shutdown.ts sets `stopping` on SIGTERM/SIGINT. From then on nothing long-lived or
// state-changing starts here: a new stream or reset is answered 503 with a Retry-After (the client
// comes back to another process, or to this one restarted), while what already runs is finished:
// shutdown waits for every `mustFinish` run, so a reset that has written `requested` also writes
// its result before the process exits. Reads are still served until the HTTP server closes.

/** What a client is told to wait before trying again: a restart takes a few seconds. */
export const RESTART_RETRY_MS = 3000;

const state = singleton("lifecycle", () => ({
  stopping: false,
  running: 0,
  idle: [] as (() => void)[],
}));

export const isStopping = (): boolean => state.stopping;

export function beginStopping(): void {
  state.stopping = true;
}

/** Throws `shutting_down` (503 with Retry-After) once the process is stopping. */
export function refuseWhileStopping(what: string): void {
  if (state.stopping)
    throw new AppError("shutting_down", `the server is restarting: ${what} again in a moment`, {
      retryAfterMs: RESTART_RETRY_MS,
    });
}

/** Runs fn as work the process finishes before it exits (counted until it settles). */
export async function mustFinish<T>(fn: () => Promise<T>): Promise<T> {
  state.running += 1;
  try {
    return await fn();
  } finally {
    state.running -= 1;
    if (state.running === 0) for (const wake of state.idle.splice(0)) wake();
  }
}

/** Runs of `mustFinish` not settled yet. */
export const unfinishedWork = (): number => state.running;

/** Resolves true once no `mustFinish` run is left, or false when timeoutMs passes first. */
export function workFinished(timeoutMs: number): Promise<boolean> {
  if (state.running === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      const i = state.idle.indexOf(wake);
      if (i >= 0) state.idle.splice(i, 1);
      resolve(false);
    }, timeoutMs);
    state.idle.push(wake);
  });
}
