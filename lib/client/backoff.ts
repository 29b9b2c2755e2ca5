// Reconnect delays for the live stream. Exponential so a server that is down is not hammered by
// every open screen, capped so a wall display is back within seconds of the server returning, and
// jittered ("equal jitter": half fixed, half random) so screens that lost the same server do not
// all reconnect in the same millisecond. Polling /api/mmp covers the gap meanwhile.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const STREAM_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 15_000 };

/** Delay before reconnect attempt `attempt` (0 = first retry); `random` returns [0, 1). */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  policy: BackoffPolicy = STREAM_BACKOFF,
): number {
  // Exponent clamped so a screen left failing for days never computes Infinity.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt, 0), 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
