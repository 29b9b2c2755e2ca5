import "server-only";
import type { Venue } from "@/lib/model/types";
import { env } from "@/lib/platform/env";
import { VenueError, isVenueError, type VenueErrorKind } from "@/lib/venues/errors";
import { Blocks, type Block } from "@/lib/venues/guard/blocks";
import { Breaker } from "@/lib/venues/guard/breaker";
import { RateBudget, type RateLimit } from "@/lib/venues/guard/budget";
import { systemClock, type GuardClock } from "@/lib/venues/guard/clock";
import { callContext, type CallContext } from "@/lib/venues/guard/context";

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
  /** The venue host's shared budget, where the venue counts per IP (it may be learnt at start). */
  hostLimit?: () => RateLimit | null;
  /** The budget of the venue's mutating endpoints, where it counts them apart from reads. */
  mutationLimit?: RateLimit;
}

/** What the guard works with. The app uses the process-wide ones (defaultGuardDeps); tests pass
 * their own, with a fake clock and fresh stores. */
export interface GuardDeps {
  clock: GuardClock;
  blocks: Blocks;
  breaker: Breaker;
  budget: RateBudget;
  /** Jitter for read retries, in [0, 1). */
  random: () => number;
}

let defaults: GuardDeps | null = null;

/** The process-wide guard: system clock, stores shared by every bundle. Built on first use, so
 * importing the guard never reads the environment. */
export function defaultGuardDeps(): GuardDeps {
  defaults ??= {
    clock: systemClock,
    blocks: new Blocks(),
    breaker: new Breaker({ firstOpenMs: env().MMP_BREAKER_OPEN_MS }),
    budget: new RateBudget(),
    random: Math.random,
  };
  return defaults;
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
function note(t: GuardTarget, err: unknown, deps: GuardDeps): void {
  if (!isVenueError(err)) return;
  const now = deps.clock.now();
  if (err.kind === "rate_limited" && !err.details.ownBudget) {
    deps.blocks.set(accountKey(t), {
      kind: "rate_limited",
      reason: err.message,
      until: now + (err.details.retryAfterMs ?? 1000),
    });
  } else if (err.kind === "banned") {
    deps.blocks.set(venueKey(t), {
      kind: "banned",
      reason: err.message,
      until: now + (err.details.retryAfterMs ?? 120_000),
    });
  }
}

function contextFor(
  t: GuardTarget,
  priority: "read" | "reset",
  maxWaitMs: number,
  deps: GuardDeps,
): CallContext {
  return {
    accountKey: accountKey(t),
    venueKey: venueKey(t),
    limit: t.limit,
    hostLimit: t.hostLimit?.() ?? null,
    mutationLimit: t.mutationLimit ?? null,
    priority,
    maxWaitMs,
    budget: deps.budget,
    blocks: deps.blocks,
  };
}

/** Why a reset of this account must not be sent now, or null. */
export function resetBlockedReason(
  t: GuardTarget,
  now?: number,
  deps: GuardDeps = defaultGuardDeps(),
): string | null {
  const at = now ?? deps.clock.now();
  const block = deps.blocks.activeFor([venueKey(t), accountKey(t)], at);
  if (block) return blockError(block, at).message;
  return deps.breaker.degradedReason(accountKey(t), at);
}

export async function guardedRead<T>(
  t: GuardTarget,
  timeBudgetMs: number,
  read: () => Promise<T>,
  priority: "read" | "reset" = "read",
  deps: GuardDeps = defaultGuardDeps(),
): Promise<T> {
  const { clock, breaker } = deps;
  const started = clock.now();
  const block = deps.blocks.activeFor([venueKey(t), accountKey(t)], started);
  if (block) throw blockError(block, started);
  const admission = breaker.admit(accountKey(t), started);
  if (admission === "open")
    throw new VenueError("degraded", breaker.degradedReason(accountKey(t), started) ?? "degraded");
  const ctx = contextFor(t, priority, timeBudgetMs / 2, deps);
  for (let attempt = 0; ; attempt += 1) {
    try {
      const result = await callContext.run(ctx, read);
      breaker.recordSuccess(accountKey(t));
      return result;
    } catch (err) {
      note(t, err, deps);
      const backoff = (100 << attempt) * (0.5 + deps.random());
      const retry =
        isVenueError(err) &&
        RETRYABLE.has(err.kind) &&
        admission === "closed" &&
        attempt < MAX_READ_RETRIES &&
        clock.now() - started + backoff < timeBudgetMs;
      if (retry) {
        await clock.sleep(backoff);
        continue;
      }
      if (!isVenueError(err) || !NOT_BREAKER_FAILURES.has(err.kind))
        breaker.recordFailure(
          accountKey(t),
          err instanceof Error ? err.message : String(err),
          clock.now(),
        );
      throw err;
    }
  }
}

/**
 * A read beside the MMP state (the dead-man switch): the same blocks and budget as a poll, and
 * the venue's rate-limit answers are obeyed the same way, but its failures never count towards
 * the circuit breaker: a venue that cannot answer it must not disable resets. Not retried.
 */
export async function guardedSideRead<T>(
  t: GuardTarget,
  timeBudgetMs: number,
  read: () => Promise<T>,
  deps: GuardDeps = defaultGuardDeps(),
): Promise<T> {
  const started = deps.clock.now();
  const block = deps.blocks.activeFor([venueKey(t), accountKey(t)], started);
  if (block) throw blockError(block, started);
  try {
    return await callContext.run(contextFor(t, "read", timeBudgetMs / 2, deps), read);
  } catch (err) {
    note(t, err, deps);
    throw err;
  }
}

export async function guardedReset<T>(
  t: GuardTarget,
  reset: () => Promise<T>,
  deps: GuardDeps = defaultGuardDeps(),
): Promise<T> {
  const reason = resetBlockedReason(t, undefined, deps);
  if (reason)
    throw new VenueError(reason.startsWith("degraded") ? "degraded" : "rate_limited", reason);
  try {
    return await callContext.run(contextFor(t, "reset", 2000, deps), reset);
  } catch (err) {
    note(t, err, deps);
    throw err;
  }
}
