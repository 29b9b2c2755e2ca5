import "server-only";
import { z } from "zod";

// Operational numbers, from the environment with safe defaults. Timeouts are short because a
// person is waiting on a reset button; staleness is a few poll intervals so old data never
// shows as fresh.
const settingsSchema = z.object({
  MMP_READ_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4000),
  MMP_RESET_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  MMP_POLL_INTERVAL_MS: z.coerce.number().int().min(250).max(600_000).default(2000),
  /** Frozen rows are polled faster, to see the unfreeze (expiry or a reset elsewhere) sooner. */
  MMP_FROZEN_POLL_INTERVAL_MS: z.coerce.number().int().min(250).max(600_000).optional(),
  MMP_STALE_AFTER_MS: z.coerce.number().int().min(500).max(3_600_000).optional(),
  /** A reset is sent only when a read at most this old says the scope is frozen. */
  MMP_RESET_FRESH_MS: z.coerce.number().int().min(0).max(10_000).default(2000),
});

export interface Settings {
  readTimeoutMs: number;
  resetTimeoutMs: number;
  pollIntervalMs: number;
  frozenPollIntervalMs: number;
  staleAfterMs: number;
  resetFreshMs: number;
}

let cached: Settings | null = null;

export function settings(): Settings {
  if (cached) return cached;
  const env = settingsSchema.parse(process.env);
  cached = {
    readTimeoutMs: env.MMP_READ_TIMEOUT_MS,
    resetTimeoutMs: env.MMP_RESET_TIMEOUT_MS,
    pollIntervalMs: env.MMP_POLL_INTERVAL_MS,
    frozenPollIntervalMs:
      env.MMP_FROZEN_POLL_INTERVAL_MS ?? Math.max(250, Math.round(env.MMP_POLL_INTERVAL_MS / 2)),
    staleAfterMs:
      env.MMP_STALE_AFTER_MS ??
      Math.max(3 * env.MMP_POLL_INTERVAL_MS, env.MMP_READ_TIMEOUT_MS + env.MMP_POLL_INTERVAL_MS),
    resetFreshMs: env.MMP_RESET_FRESH_MS,
  };
  return cached;
}
