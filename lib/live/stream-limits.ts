import "server-only";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";
import { noteStreamReleased } from "@/lib/platform/memory-trim";
import { singleton } from "@/lib/platform/singleton";

// How many live streams one user, and one client address, may hold open in this process
// (MMP_STREAMS_PER_USER, MMP_STREAMS_PER_ADDRESS). A stream costs the server memory and a socket
// for as long as it is open, so without a cap one cookie can exhaust both (the 2,000
// streams that never read). A desk needs one stream per open page; beyond the cap the request is
// refused with 429 before its snapshot is built. The check and the count happen in one
// synchronous step, so a burst of simultaneous requests cannot all slip under the cap.

/** A place taken by one stream; released exactly once, when the stream ends for any reason. */
export interface StreamSlot {
  readonly username: string;
  release(): void;
}

/** How soon a refused client should try again: slots free up when the user's pages close. */
const REFUSED_RETRY_MS = 10_000;

/** Refusals are logged at most once per this, with how many there were: a flood of refused
 * requests must not become a flood of log lines. */
const LOG_EVERY_MS = 10_000;

const counts = singleton("stream-counts", () => ({
  byUser: new Map<string, number>(),
  byAddress: new Map<string, number>(),
  refusedUnlogged: 0,
  lastLoggedAt: 0,
}));

function noteRefusal(username: string, address: string | null, message: string): void {
  noteStreamReleased();
  counts.refusedUnlogged += 1;
  const now = Date.now();
  if (now - counts.lastLoggedAt < LOG_EVERY_MS) return;
  log.warn(
    { username, address, refusedSinceLastLine: counts.refusedUnlogged },
    `stream refused: ${message}`,
  );
  counts.refusedUnlogged = 0;
  counts.lastLoggedAt = now;
}

function add(map: Map<string, number>, key: string, delta: number): void {
  const next = (map.get(key) ?? 0) + delta;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}

/**
 * Takes a stream slot for this user from this address, or throws `too_many_streams` (429 with
 * Retry-After). A request without a known address is counted per user only: grouping every such
 * request under one key would let one client lock out all the others.
 */
export function admitStream(username: string, address: string | null): StreamSlot {
  const { MMP_STREAMS_PER_USER: perUser, MMP_STREAMS_PER_ADDRESS: perAddress } = env();
  const { byUser, byAddress } = counts;
  const refuse = (message: string) => {
    noteRefusal(username, address, message);
    return new AppError("too_many_streams", message, { retryAfterMs: REFUSED_RETRY_MS });
  };
  if ((byUser.get(username) ?? 0) >= perUser)
    throw refuse(`too many open live streams for this user (at most ${perUser})`);
  if (address !== null && (byAddress.get(address) ?? 0) >= perAddress)
    throw refuse(`too many open live streams from this address (at most ${perAddress})`);
  add(byUser, username, 1);
  if (address !== null) add(byAddress, address, 1);
  let released = false;
  return {
    username,
    release() {
      if (released) return;
      released = true;
      add(byUser, username, -1);
      if (address !== null) add(byAddress, address, -1);
    },
  };
}

/** Slots held now (for tests and health). */
export function streamSlots(): { users: number; addresses: number } {
  return { users: counts.byUser.size, addresses: counts.byAddress.size };
}
