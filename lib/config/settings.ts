import "server-only";
import { env } from "@/lib/platform/env";

// Operational numbers, derived from the environment (validated in lib/platform/env.ts, where the
// defaults and bounds live). Timeouts are short because a person is waiting on a reset button;
// staleness is a few poll intervals so old data never shows as fresh.

export interface Settings {
  readTimeoutMs: number;
  resetTimeoutMs: number;
  pollIntervalMs: number;
  /** Frozen rows are polled faster, to see the unfreeze (expiry or a reset elsewhere) sooner. */
  frozenPollIntervalMs: number;
  staleAfterMs: number;
  /** An account whose reads spend its quoting credits is read this often while its push channel
   * is up (the channel brings the triggers; the reads only confirm). */
  pushedPollIntervalMs: number;
  /** Its rows' stale limit meanwhile: two sparse reads and a timeout may pass. */
  pushedStaleAfterMs: number;
  /** How often each account's dead-man switch is read (a slow, read-only column). */
  deadManPollIntervalMs: number;
  /** A reset is sent only when a read at most this old says the scope is frozen. */
  resetFreshMs: number;
}

let cached: Settings | null = null;

export function settings(): Settings {
  if (cached) return cached;
  const e = env();
  const staleAfterMs =
    e.MMP_STALE_AFTER_MS ??
    Math.max(3 * e.MMP_POLL_INTERVAL_MS, e.MMP_READ_TIMEOUT_MS + e.MMP_POLL_INTERVAL_MS);
  cached = {
    readTimeoutMs: e.MMP_READ_TIMEOUT_MS,
    resetTimeoutMs: e.MMP_RESET_TIMEOUT_MS,
    pollIntervalMs: e.MMP_POLL_INTERVAL_MS,
    frozenPollIntervalMs:
      e.MMP_FROZEN_POLL_INTERVAL_MS ?? Math.max(250, Math.round(e.MMP_POLL_INTERVAL_MS / 2)),
    staleAfterMs,
    pushedPollIntervalMs: e.MMP_PUSHED_POLL_INTERVAL_MS,
    deadManPollIntervalMs: e.MMP_DEADMAN_POLL_INTERVAL_MS,
    pushedStaleAfterMs: Math.max(
      staleAfterMs,
      2 * e.MMP_PUSHED_POLL_INTERVAL_MS + e.MMP_READ_TIMEOUT_MS,
    ),
    resetFreshMs: e.MMP_RESET_FRESH_MS,
  };
  return cached;
}
