import "server-only";
import { singleton } from "@/lib/platform/singleton";
import { VenueError } from "@/lib/venues/errors";

// Venue clock offsets, one per (venue, base URL). Venues reject timestamps outside a window of a
// few seconds, so every signed timestamp is our clock plus the measured offset. The offset is
// measured from the venue's server-time endpoint, taking the midpoint of the round trip.

interface Offset {
  offsetMs: number;
  syncedAt: number;
}

const offsets = singleton("clock-offsets", () => new Map<string, Offset>());

/** Re-measure at least this often even without a rejection. */
const MAX_AGE_MS = 5 * 60_000;

export function clockOffset(key: string): number {
  return offsets.get(key)?.offsetMs ?? 0;
}

export function venueNow(key: string): number {
  return Date.now() + clockOffset(key);
}

export async function syncClock(key: string, serverTime: () => Promise<number>): Promise<number> {
  const t0 = Date.now();
  const venueTime = await serverTime();
  const t1 = Date.now();
  const offsetMs = Math.round(venueTime - (t0 + t1) / 2);
  offsets.set(key, { offsetMs, syncedAt: t1 });
  return offsetMs;
}

export async function ensureClock(key: string, serverTime: () => Promise<number>): Promise<void> {
  const current = offsets.get(key);
  if (!current || Date.now() - current.syncedAt > MAX_AGE_MS) await syncClock(key, serverTime);
}

/** Runs a signed call with a synced clock. A timestamp rejection (kind "clock") means the venue
 * did not act, so it is the one rejection safe to retry: re-sync and try exactly once more. */
export async function withClockRetry<T>(
  key: string,
  serverTime: () => Promise<number>,
  attempt: () => Promise<T>,
): Promise<T> {
  await ensureClock(key, serverTime);
  try {
    return await attempt();
  } catch (err) {
    if (!(err instanceof VenueError) || err.kind !== "clock") throw err;
    await syncClock(key, serverTime);
    return attempt();
  }
}

/** Every measured offset, for metrics and health ("<venue> <baseUrl>" → ms). */
export function allClockOffsets(): { key: string; offsetMs: number; syncedAt: number }[] {
  return [...offsets].map(([key, o]) => ({ key, ...o }));
}
