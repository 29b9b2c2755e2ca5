import "server-only";
import type { Venue } from "@/lib/model/types";
import { VenueError, isVenueError, type VenueErrorKind } from "@/lib/venues/errors";
import { setBlock, blockFor, type Block } from "@/lib/venues/guard/blocks";
import { admit, degradedReason, recordFailure, recordSuccess } from "@/lib/venues/guard/breaker";
import type { RateLimit } from "@/lib/venues/guard/budget";
import { callContext } from "@/lib/venues/guard/context";

// Venue-client resilience, in one place for every adapter:
// - nothing is sent while the venue asked us to stop (Retry-After, usage header, IP ban);
// - requests draw from a per-account rate budget shared by polling and resets (http.ts takes
//   the token), with a reserve that keeps resets from queueing behind polls;
// - reads may retry transport failures with jittered backoff, within the caller's time budget;
// - a per-account circuit breaker stops hammering a failing venue and reports "degraded";
// - resets are never retried here: an unknown outcome goes back to the caller to re-read.

export interface GuardTarget {
  accountId: string;
  venue: Venue;
  baseUrl: string;
  limit: RateLimit;
}

const accountKey = (t: GuardTarget) => `acct:${t.accountId}`;
const venueKey = (t: GuardTarget) => `host:${t.venue}:${new URL(t.baseUrl).host}`;
const RETRYABLE: ReadonlySet<VenueErrorKind> = new Set(["unavailable", "bad_response"]);
const NOT_BREAKER_FAILURES: ReadonlySet<VenueErrorKind> = new Set([
  "rate_limited",
  "banned",
  "not_enabled",
  "bad_scope",
]);
const MAX_READ_RETRIES = 2;

function blockError(b: Block, now: number): VenueError {
  const until = new Date(b.until).toISOString().slice(11, 19);
  return new VenueError(b.kind, `${b.reason}; nothing sent until ${until} UTC`, {
    retryAfterMs: b.until - now,
  });
}

/** Remember what the venue told us: rate limits block the key, bans block the host. */
function note(t: GuardTarget, err: unknown): void {
  if (!isVenueError(err)) return;
  const now = Date.now();
  if (err.kind === "rate_limited") {
    setBlock(accountKey(t), {
      kind: "rate_limited",
      reason: err.message,
      until: now + (err.details.retryAfterMs ?? 1000),
    });
  } else if (err.kind === "banned") {
    setBlock(venueKey(t), {
      kind: "banned",
      reason: err.message,
      until: now + (err.details.retryAfterMs ?? 120_000),
    });
  }
}

/** Why a reset of this account must not be sent now, or null. */
export function resetBlockedReason(t: GuardTarget, now = Date.now()): string | null {
  const block = blockFor([venueKey(t), accountKey(t)], now);
  if (block) return blockError(block, now).message;
  return degradedReason(accountKey(t), now);
}

export async function guardedRead<T>(
  t: GuardTarget,
  timeBudgetMs: number,
  read: () => Promise<T>,
  priority: "read" | "reset" = "read",
): Promise<T> {
  const started = Date.now();
  const block = blockFor([venueKey(t), accountKey(t)], started);
  if (block) throw blockError(block, started);
  const admission = admit(accountKey(t), started);
  if (admission === "open")
    throw new VenueError("degraded", degradedReason(accountKey(t), started) ?? "degraded");
  const ctx = {
    accountKey: accountKey(t),
    venueKey: venueKey(t),
    limit: t.limit,
    priority,
    maxWaitMs: timeBudgetMs / 2,
  };
  for (let attempt = 0; ; attempt += 1) {
    try {
      const result = await callContext.run(ctx, read);
      recordSuccess(accountKey(t));
      return result;
    } catch (err) {
      note(t, err);
      const backoff = (100 << attempt) * (0.5 + Math.random());
      const retry =
        isVenueError(err) &&
        RETRYABLE.has(err.kind) &&
        admission === "closed" &&
        attempt < MAX_READ_RETRIES &&
        Date.now() - started + backoff < timeBudgetMs;
      if (retry) {
        await new Promise((r) => setTimeout(r, backoff));
        continue;
      }
      if (!isVenueError(err) || !NOT_BREAKER_FAILURES.has(err.kind))
        recordFailure(accountKey(t), err instanceof Error ? err.message : String(err));
      throw err;
    }
  }
}

export async function guardedReset<T>(t: GuardTarget, reset: () => Promise<T>): Promise<T> {
  const reason = resetBlockedReason(t);
  if (reason)
    throw new VenueError(reason.startsWith("degraded") ? "degraded" : "rate_limited", reason);
  const ctx = {
    accountKey: accountKey(t),
    venueKey: venueKey(t),
    limit: t.limit,
    priority: "reset" as const,
    maxWaitMs: 2000,
  };
  try {
    return await callContext.run(ctx, reset);
  } catch (err) {
    note(t, err);
    throw err;
  }
}
