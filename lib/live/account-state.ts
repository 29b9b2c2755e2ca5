import "server-only";
import type { ResolvedAccount } from "@/lib/config/load";
import { settings } from "@/lib/config/settings";
import type { MmpRow, RowProblem } from "@/lib/model/types";
import { singleton } from "@/lib/platform/singleton";
import { metrics } from "@/lib/platform/metrics";
import { log } from "@/lib/platform/log";
import { isVenueError } from "@/lib/venues/errors";
import { adapterFor } from "@/lib/venues/registry";
import { guardedRead, resetBlockedReason, type GuardTarget } from "@/lib/venues/guard";
import { stateWithout } from "@/lib/venues/scope-state";
import type { AdapterContext, ScopeRead, VenueAdapter } from "@/lib/venues/types";

// Latest known MMP state per account. Reads are shared: concurrent callers wait on one upstream
// request, and a read younger than maxAgeMs is served from memory, so the number of venue calls
// does not grow with the number of people watching.

interface AccountEntry {
  reads: ScopeRead[];
  fetchedAt: number | null;
  /** Last read attempt, successful or not: a failing venue is not hammered either. */
  attemptedAt: number | null;
  problem: RowProblem | null;
  inflight: Promise<void> | null;
  scopes: { list: string[]; at: number } | null;
}

const SCOPE_LIST_TTL_MS = 10 * 60_000;
const entries = singleton("account-state", () => new Map<string, AccountEntry>());

function entryFor(id: string): AccountEntry {
  let entry = entries.get(id);
  if (!entry) {
    entry = {
      reads: [],
      fetchedAt: null,
      attemptedAt: null,
      problem: null,
      inflight: null,
      scopes: null,
    };
    entries.set(id, entry);
  }
  return entry;
}

export function adapterContext(account: ResolvedAccount): AdapterContext | null {
  if (!account.credentials) return null;
  const s = settings();
  return {
    accountId: account.id,
    baseUrl: account.baseUrl,
    credentials: account.credentials,
    timeouts: { readMs: s.readTimeoutMs, resetMs: s.resetTimeoutMs },
    demoTrading: account.demoTrading,
  };
}

/** Why an account cannot be read at all, or null when it can. */
export function accountProblem(account: ResolvedAccount): RowProblem | null {
  if (account.missingEnv.length > 0) {
    return {
      code: "misconfigured",
      message: `misconfigured: missing environment variable(s) ${account.missingEnv.join(", ")}`,
    };
  }
  const adapter = adapterFor(account.venue);
  if (!adapter) {
    return {
      code: "venue_not_supported",
      message: `venue "${account.venue}" is not supported by this build yet`,
    };
  }
  if (!adapter.keyTypes.includes(account.keyType)) {
    return {
      code: "misconfigured",
      message: `misconfigured: ${adapter.label} does not accept ${account.keyType} keys`,
    };
  }
  if (adapter.needsPassphrase && !account.passphraseEnv) {
    return {
      code: "misconfigured",
      message: `misconfigured: ${adapter.label} accounts need passphraseEnv`,
    };
  }
  return null;
}

async function scopesOf(
  account: ResolvedAccount,
  entry: AccountEntry,
  adapter: VenueAdapter,
  ctx: AdapterContext,
): Promise<string[]> {
  if (account.scopes) return account.scopes;
  if (entry.scopes && Date.now() - entry.scopes.at < SCOPE_LIST_TTL_MS) return entry.scopes.list;
  const list = await adapter.listScopes(ctx);
  entry.scopes = { list, at: Date.now() };
  return list;
}

async function refresh(
  account: ResolvedAccount,
  entry: AccountEntry,
  priority: "read" | "reset" = "read",
): Promise<void> {
  const adapter = adapterFor(account.venue);
  const ctx = adapterContext(account);
  if (!adapter || !ctx) return;
  entry.attemptedAt = Date.now();
  const timer = metrics.pollSeconds.startTimer({ venue: account.venue });
  try {
    entry.reads = await guardedRead(
      guardTarget(account, adapter),
      settings().readTimeoutMs,
      async () => adapter.readScopes(ctx, await scopesOf(account, entry, adapter, ctx)),
      priority,
    );
    entry.fetchedAt = Date.now();
    entry.problem = null;
    timer();
  } catch (err) {
    metrics.upstreamErrors.inc({
      venue: account.venue,
      code: isVenueError(err) ? (err.details.venueCode ?? err.kind) : "internal",
    });
    entry.problem = isVenueError(err)
      ? { code: err.kind, message: err.message }
      : { code: "internal", message: "read failed (see server log)" };
    log.warn(
      { account: account.id, err: isVenueError(err) ? err.message : String(err) },
      "MMP read failed",
    );
  }
}

/** Reads the account unless a read younger than maxAgeMs exists; shares in-flight reads. */
export async function readAccount(account: ResolvedAccount, maxAgeMs: number): Promise<void> {
  const entry = entryFor(account.id);
  if (entry.attemptedAt !== null && Date.now() - entry.attemptedAt <= maxAgeMs && !entry.inflight)
    return;
  entry.inflight ??= refresh(account, entry).finally(() => {
    entry.inflight = null;
  });
  await entry.inflight;
}

/** Desk rows for an account from the latest read. Data older than staleAfterMs is UNKNOWN, never
 * silently shown as it was. */
export function rowsOf(account: ResolvedAccount, now = Date.now()): MmpRow[] {
  const entry = entryFor(account.id);
  const blocking = accountProblem(account);
  const base = { accountId: account.id, accountLabel: account.label, venue: account.venue };
  if (blocking || entry.fetchedAt === null) {
    const scopes = account.scopes ?? entry.reads.map((r) => r.scope);
    const problem = blocking ?? entry.problem ?? { code: "not_read", message: "not read yet" };
    return (scopes.length ? scopes : ["—"]).map((scope) => ({
      ...base,
      ...stateWithout("unknown", problem.code, problem.message),
      id: `${account.id}/${scope}`,
      scope,
      fetchedAt: null,
    }));
  }
  const stale = now - entry.fetchedAt > settings().staleAfterMs;
  const adapter = adapterFor(account.venue);
  const resetBlocked = adapter ? resetBlockedReason(guardTarget(account, adapter), now) : null;
  return entry.reads.map(({ scope, state }) => ({
    ...base,
    ...state,
    id: `${account.id}/${scope}`,
    scope,
    fetchedAt: entry.fetchedAt,
    status: stale ? "unknown" : state.status,
    problem: entry.problem ?? state.problem,
    resetBlocked,
  }));
}

export function guardTarget(account: ResolvedAccount, adapter: VenueAdapter): GuardTarget {
  return {
    accountId: account.id,
    venue: account.venue,
    baseUrl: account.baseUrl,
    limit: adapter.rateLimit,
  };
}

/** A read that starts after this call (not one already in flight, which may predate a reset). */
/** Part of a reset (its fresh read, its re-read after an unknown outcome) uses "reset" priority,
 * so the rate budget's reserve serves it before the monitor's polls. */
export async function readAccountNow(
  account: ResolvedAccount,
  priority: "read" | "reset" = "read",
): Promise<void> {
  const entry = entryFor(account.id);
  if (entry.inflight) await entry.inflight;
  entry.inflight = refresh(account, entry, priority).finally(() => {
    entry.inflight = null;
  });
  await entry.inflight;
}

/** The last read error for the account, if the latest attempt failed. */
export function readProblem(account: ResolvedAccount): RowProblem | null {
  return entryFor(account.id).problem;
}

/** A venue pushed a trigger: show the scope FROZEN now; the next poll confirms or corrects it. */
export function applyPushTrigger(
  account: ResolvedAccount,
  scope: string,
  frozenUntil: number | null,
): boolean {
  const entry = entryFor(account.id);
  const found = entry.reads.some((r) => r.scope === scope);
  if (!found) return false;
  entry.reads = entry.reads.map((r) =>
    r.scope === scope
      ? { scope, state: { ...r.state, status: "frozen", frozenUntil, lastTriggerAt: Date.now() } }
      : r,
  );
  return true;
}

/** What another process needs to serve this account's rows as we see them. */
export interface SharedEntry {
  reads: ScopeRead[];
  fetchedAt: number | null;
  attemptedAt: number | null;
  problem: RowProblem | null;
}

export function exportEntry(accountId: string): SharedEntry {
  const { reads, fetchedAt, attemptedAt, problem } = entryFor(accountId);
  return { reads, fetchedAt, attemptedAt, problem };
}

/** Adopts state read by another process; older than what we hold is ignored. */
export function importEntry(accountId: string, shared: SharedEntry): boolean {
  const entry = entryFor(accountId);
  if ((shared.attemptedAt ?? 0) < (entry.attemptedAt ?? 0)) return false;
  Object.assign(entry, shared);
  return true;
}
