import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { Kysely } from "kysely";
import { appendAudit } from "@/lib/audit/append";
import { getDb, type Db } from "@/lib/db/client";
import type { Database } from "@/lib/db/schema";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// Password guessing is slowed per username and per client address, with counters in the database
// (auth_throttle) so they hold across every process on it:
// - a username gets MMP_SIGNIN_USER_FAILURES attempts in 15 min; from then on each further
//   attempt waits out a lock of MMP_SIGNIN_LOCK_SECONDS, doubling per attempt up to 15 min. An
//   attempt is counted *before* its password is checked (and forgiven when it succeeds), so
//   concurrent guesses cannot slip past the count. Unknown usernames are counted exactly like known
//   ones: a lock says nothing about whether the account exists.
// - a client address gets MMP_SIGNIN_ADDRESS_FAILURES failed attempts in 15 min, whatever
//   usernames they named, then the same growing locks. Only failures count, so many colleagues
//   signing in behind one NAT are not locked out.
// A locked attempt is refused before any password check (the HTTP edge answers 429 with
// Retry-After); other usernames from other addresses are untouched. The start of each lock is
// an `auth.lockout` row in the audit trail.

export interface ThrottlePolicy {
  userAttempts: number;
  addressFailures: number;
  lockMs: number;
  maxLockMs: number;
  /** Counters start again after this long without an attempt or a lock. */
  windowMs: number;
}

export function throttlePolicy(): ThrottlePolicy {
  const e = env();
  return {
    userAttempts: e.MMP_SIGNIN_USER_FAILURES,
    addressFailures: e.MMP_SIGNIN_ADDRESS_FAILURES,
    lockMs: e.MMP_SIGNIN_LOCK_SECONDS * 1000,
    maxLockMs: 15 * 60_000,
    windowMs: 15 * 60_000,
  };
}

/** One sign-in request, as the HTTP edge saw it; the credentials check reports a refusal here. */
export interface SignInAttempt {
  clientIp: string | null;
  userAgent: string | null;
  /** Set when the attempt was refused by the throttle: how long until the next may be tried. */
  refusedForMs?: number;
}

// next-auth calls our credentials check without the request; the edge puts the attempt in
// async context around the call. Process-wide: route bundles must share it.
const context = singleton("sign-in-attempt", () => new AsyncLocalStorage<SignInAttempt>());

export function withSignInAttempt<T>(attempt: SignInAttempt, run: () => Promise<T>): Promise<T> {
  return context.run(attempt, run);
}

const userKey = (username: string) => `user:${username}`;
const addressKey = (ip: string | null) => `addr:${ip ?? "unknown"}`;
const iso = (ms: number) => new Date(ms).toISOString();
const ms = (t: string | null) => (t === null ? 0 : Date.parse(t));

/** The lock after the n-th counted attempt at or past the allowance (n = 0 for the first). */
const lockFor = (n: number, p: ThrottlePolicy) =>
  Math.min(p.maxLockMs, p.lockMs * 2 ** Math.min(n, 30));

interface Counted {
  /** > 0: the key was locked, nothing was counted, retry after this long. */
  refusedMs: number;
  /** This attempt used up the allowance: a lock starts (audited if the attempt then fails). */
  lockStarted: boolean;
  attempts: number;
  lockMs: number;
}

/** How long the key is still locked (0: not locked). */
async function lockedFor(db: Kysely<Database>, key: string, now: number): Promise<number> {
  const row = await db
    .selectFrom("auth_throttle")
    .select("locked_until")
    .where("key", "=", key)
    .executeTakeFirst();
  return Math.max(0, ms(row?.locked_until ?? null) - now);
}

/** Counts an attempt for the key unless it is locked, and locks it once the allowance is used. */
async function count(
  { db, dialect }: Db,
  key: string,
  allowance: number,
  p: ThrottlePolicy,
  now: number,
): Promise<Counted> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto("auth_throttle")
      .values({ key, failures: 0, last_failure_at: null, locked_until: null })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    // On PostgreSQL the row lock serialises concurrent attempts of one key across processes; on
    // SQLite the transaction already holds the database's single writer.
    const select = trx.selectFrom("auth_throttle").selectAll().where("key", "=", key);
    const row = await (
      dialect === "postgres" ? select.forUpdate() : select
    ).executeTakeFirstOrThrow();
    const lockedMs = ms(row.locked_until) - now;
    if (lockedMs > 0)
      return { refusedMs: lockedMs, lockStarted: false, attempts: row.failures, lockMs: 0 };
    const quietSince = Math.max(ms(row.last_failure_at), ms(row.locked_until));
    const attempts = quietSince < now - p.windowMs ? 1 : row.failures + 1;
    const lockMs = attempts >= allowance ? lockFor(attempts - allowance, p) : 0;
    await trx
      .updateTable("auth_throttle")
      .set({
        failures: attempts,
        last_failure_at: iso(now),
        locked_until: lockMs > 0 ? iso(now + lockMs) : null,
      })
      .where("key", "=", key)
      .execute();
    return { refusedMs: 0, lockStarted: attempts === allowance, attempts, lockMs };
  });
}

// Rows past their window are the same as no row: dropped now and then (a username sprayer
// leaves one row per name tried), at most once per window per process.
const pruned = singleton("sign-in-throttle-pruned", () => ({ at: 0 }));

async function prune({ db }: Db, p: ThrottlePolicy, now: number): Promise<void> {
  if (now - pruned.at < p.windowMs) return;
  pruned.at = now;
  await db
    .deleteFrom("auth_throttle")
    .where("last_failure_at", "<", iso(now - p.windowMs - p.maxLockMs))
    .execute();
}

async function auditLockout(
  attempt: SignInAttempt,
  what: { actor: string; detail: string },
): Promise<void> {
  await appendAudit({
    actor: what.actor,
    role: "-",
    action: "auth.lockout",
    outcome: "denied",
    clientIp: attempt.clientIp,
    userAgent: attempt.userAgent,
    detail: what.detail,
  }).catch((err: unknown) =>
    log.error({ err, ...what }, "audit write failed for a sign-in lockout"),
  );
}

/**
 * Runs one password check under the throttle. `check` must take the same time whether or not the
 * user exists (lib/auth/passwords.ts). Returns its result, or null when the attempt was refused
 * (the attempt in context then says for how long).
 */
export async function throttledCheck<T>(
  username: string,
  check: () => Promise<T | null>,
): Promise<T | null> {
  const attempt = context.getStore() ?? { clientIp: null, userAgent: null };
  const p = throttlePolicy();
  const handle = await getDb();
  const address = addressKey(attempt.clientIp);
  const addressLock = await lockedFor(handle.db, address, Date.now());
  if (addressLock > 0) {
    attempt.refusedForMs = addressLock;
    return null;
  }
  const user = await count(handle, userKey(username), p.userAttempts, p, Date.now());
  if (user.refusedMs > 0) {
    attempt.refusedForMs = user.refusedMs;
    return null;
  }
  const result = await check();
  if (result !== null) {
    await handle.db.deleteFrom("auth_throttle").where("key", "=", userKey(username)).execute();
    return result;
  }
  const byAddress = await count(handle, address, p.addressFailures, p, Date.now());
  await prune(handle, p, Date.now()).catch((err: unknown) =>
    log.warn({ err }, "sign-in throttle: pruning old counters failed"),
  );
  const minutes = Math.round(p.windowMs / 60_000);
  if (user.lockStarted) {
    await auditLockout(attempt, {
      actor: username,
      detail: `sign-in for this username locked after ${user.attempts} attempts without success in ${minutes} min; next attempt in ${Math.ceil(user.lockMs / 1000)} s, then doubling`,
    });
  }
  if (byAddress.lockStarted) {
    await auditLockout(attempt, {
      actor: "-",
      detail: `sign-in from this address locked after ${byAddress.attempts} failed attempts in ${minutes} min; next attempt in ${Math.ceil(byAddress.lockMs / 1000)} s, then doubling`,
    });
  }
  return null;
}
