import "server-only";
import { EventEmitter } from "node:events";
import { settings } from "@/lib/config/settings";
import { deadManView } from "@/lib/live/dead-man-view";
import { desiredFor } from "@/lib/live/desired";
import { withDrift } from "@/lib/live/drift";
import { withFrozenSince } from "@/lib/live/freeze-since";
import type { MmpRow, RowProblem } from "@/lib/model/types";
import { singleton } from "@/lib/platform/singleton";
import { metrics } from "@/lib/platform/metrics";
import { log } from "@/lib/platform/log";
import type { UsableVenueAccount, VenueAccount } from "@/lib/venues/account";
import { clearedTriggersOf, noteClearedTrigger } from "@/lib/venues/cleared-triggers";
import { isVenueError } from "@/lib/venues/errors";
import { guardedRead, resetBlockedReason } from "@/lib/venues/guard";
import { stateWithout } from "@/lib/venues/scope-state";
import type { DeadManRead, ScopeRead } from "@/lib/venues/types";

// Latest known MMP state per account. Reads are shared: concurrent callers wait on one upstream
// request, and a read younger than maxAgeMs is served from memory, so the number of venue calls
// does not grow with the number of people watching.
//
// The store announces itself: every change of an account's state (a read finished, whether it
// succeeded or failed; a pushed trigger applied; state imported from another process) emits one
// `change` event, synchronously, before the call that made it returns. Writers never publish;
// lib/live/publish.ts listens once per process.

interface AccountEntry {
  reads: ScopeRead[];
  fetchedAt: number | null;
  /** When the read that produced `reads` started (a reset must not trust a read that started
   * before the row's last reset: lib/desk/reset.ts). */
  readStartedAt: number | null;
  /** Last read attempt, successful or not: a failing venue is not hammered either. */
  attemptedAt: number | null;
  problem: RowProblem | null;
  inflight: Promise<void> | null;
  scopes: { list: string[]; at: number } | null;
  /** Number of announcements so far (see versionOf). */
  version: number;
  /** Read sparsely: its push channel is up and its reads spend quoting credits (settings). */
  sparse: boolean;
  /** The interval the monitor actually polls at, when a rate budget spaces reads further apart
   * than the configured interval (a per-IP budget shared by many accounts); else null. */
  pacedMs: number | null;
  /** The dead-man switch, read at its own slow cadence (lib/live/dead-man.ts). */
  deadMan: DeadManEntry;
}

/** The last dead-man read of an account: what it said and when, or why it failed. */
export interface DeadManEntry {
  read: DeadManRead | null;
  fetchedAt: number | null;
  attemptedAt: number | null;
  problem: string | null;
}

export interface AccountChange {
  account: VenueAccount;
  /** The state came from another process: it is that process's to share, not ours. */
  remote: boolean;
}

const SCOPE_LIST_TTL_MS = 10 * 60_000;
const entries = singleton("account-state", () => new Map<string, AccountEntry>());
// Process-wide, like the entries: a read made by a route's bundle reaches the listener that
// start-up registered from another bundle.
const changes = singleton("account-state-changes", () => {
  const emitter = new EventEmitter<{ change: [AccountChange] }>();
  emitter.setMaxListeners(0);
  return emitter;
});

function entryFor(id: string): AccountEntry {
  let entry = entries.get(id);
  if (!entry) {
    entry = {
      reads: [],
      fetchedAt: null,
      readStartedAt: null,
      attemptedAt: null,
      problem: null,
      inflight: null,
      scopes: null,
      version: 0,
      sparse: false,
      pacedMs: null,
      deadMan: { read: null, fetchedAt: null, attemptedAt: null, problem: null },
    };
    entries.set(id, entry);
  }
  return entry;
}

/** Calls listener on every change of any account's state; returns the unsubscribe. */
export function onAccountChange(listener: (change: AccountChange) => void): () => void {
  changes.on("change", listener);
  return () => changes.off("change", listener);
}

function changed(account: VenueAccount, remote = false): void {
  entryFor(account.account.id).version += 1;
  try {
    changes.emit("change", { account, remote });
  } catch (err) {
    // A listener's failure must not turn a finished read into a failed one for its caller.
    log.error({ err, account: account.account.id }, "an account-state listener failed");
  }
}

/** Announces the account's state again although it did not change: the monitor does once per
 * poll when its read was served from memory (or cannot be made), so streams hear about every
 * account once per poll interval and rows past the stale limit turn UNKNOWN there too. */
export function announce(account: VenueAccount): void {
  changed(account);
}

/** Increases with every announcement of the account (a change or announce()). */
export function versionOf(accountId: string): number {
  return entryFor(accountId).version;
}

async function scopesOf(account: UsableVenueAccount, entry: AccountEntry): Promise<string[]> {
  if (account.account.scopes) return account.account.scopes;
  if (entry.scopes && Date.now() - entry.scopes.at < SCOPE_LIST_TTL_MS) return entry.scopes.list;
  const list = await account.adapter.listScopes(account.ctx);
  entry.scopes = { list, at: Date.now() };
  return list;
}

async function refresh(
  account: VenueAccount,
  entry: AccountEntry,
  priority: "read" | "reset" = "read",
): Promise<void> {
  if (account.problem) return;
  const { adapter, ctx, guard } = account;
  const venue = account.account.venue;
  const startedAt = Date.now();
  entry.attemptedAt = startedAt;
  const timer = metrics.pollSeconds.startTimer({ venue });
  // A read that started later may land first (another read of ours, or one shared by another
  // process): the older answer must not replace it. It could show a row ACTIVE again after a
  // later read saw it freeze, and a reset would then be refused as "not frozen".
  const overtaken = () => entry.readStartedAt !== null && entry.readStartedAt > startedAt;
  try {
    const reads = await guardedRead(
      guard,
      settings().readTimeoutMs,
      async () => adapter.readScopes(ctx, await scopesOf(account, entry)),
      priority,
    );
    timer();
    if (overtaken()) return;
    entry.reads = reads;
    entry.fetchedAt = Date.now();
    entry.readStartedAt = startedAt;
    entry.problem = null;
  } catch (err) {
    metrics.upstreamErrors.inc({
      venue,
      code: isVenueError(err) ? (err.details.venueCode ?? err.kind) : "internal",
    });
    if (overtaken()) return;
    entry.problem = isVenueError(err)
      ? { code: err.kind, message: err.message }
      : { code: "internal", message: "read failed (see server log)" };
    log.warn(
      { account: account.account.id, err: isVenueError(err) ? err.message : String(err) },
      "MMP read failed",
    );
  }
  changed(account);
}

/** Reads the account unless a read younger than maxAgeMs exists; shares in-flight reads. */
export async function readAccount(account: VenueAccount, maxAgeMs: number): Promise<void> {
  const entry = entryFor(account.account.id);
  if (entry.attemptedAt !== null && Date.now() - entry.attemptedAt <= maxAgeMs && !entry.inflight)
    return;
  entry.inflight ??= refresh(account, entry).finally(() => {
    entry.inflight = null;
  });
  await entry.inflight;
}

/** Whether a read of the account has ended, well or not (here, or shared by another process):
 * before that, its rows have nothing to show. */
export const everRead = (account: VenueAccount): boolean => {
  const entry = entryFor(account.account.id);
  return entry.fetchedAt !== null || entry.problem !== null;
};

/** A row with its freeze start and its drift from the desired limits. */
const withRowDrift = (config: VenueAccount["account"], row: MmpRow): MmpRow =>
  withDrift(withFrozenSince(row), desiredFor(config, row.scope));

/** How old the account's rows may be before they show UNKNOWN: the desk's limit, or longer while
 * its reads are sparse (push channel up) or paced by a rate budget. A paced account may miss one
 * poll and a timeout, like a sparse one; data past that is stale, whatever the cause. */
function staleLimitOf(entry: AccountEntry): number {
  const s = settings();
  const base = entry.sparse ? s.pushedStaleAfterMs : s.staleAfterMs;
  return entry.pacedMs === null ? base : Math.max(base, 2 * entry.pacedMs + s.readTimeoutMs);
}

/** Desk rows for an account from the latest read. Data older than staleAfterMs is UNKNOWN, never
 * silently shown as it was. */
export function rowsOf(account: VenueAccount, now = Date.now()): MmpRow[] {
  const { account: config } = account;
  const entry = entryFor(config.id);
  const base = {
    accountId: config.id,
    accountLabel: config.label,
    venue: config.venue,
    ...(account.adapter?.windowKind ? { windowKind: account.adapter.windowKind } : {}),
  };
  if (account.problem || entry.fetchedAt === null) {
    const scopes = config.scopes ?? entry.reads.map((r) => r.scope);
    const problem = account.problem ??
      entry.problem ?? { code: "not_read", message: "not read yet" };
    return (scopes.length ? scopes : ["—"]).map((scope) => ({
      ...base,
      ...stateWithout("unknown", problem.code, problem.message),
      id: `${config.id}/${scope}`,
      scope,
      fetchedAt: null,
    }));
  }
  const staleAfterMs = staleLimitOf(entry);
  const stale = now - entry.fetchedAt > staleAfterMs;
  const resetBlocked = resetBlockedReason(account.guard, now);
  return entry.reads.map(({ scope, state }) =>
    withRowDrift(config, {
      ...base,
      ...state,
      id: `${config.id}/${scope}`,
      scope,
      fetchedAt: entry.fetchedAt,
      status: stale ? "unknown" : state.status,
      ...(stale && state.status !== "unknown" ? { lastKnown: state.status } : {}),
      problem: entry.problem ?? state.problem,
      resetBlocked,
      deadMan: deadManView(account, entry.deadMan, scope),
      ...(staleAfterMs !== settings().staleAfterMs ? { staleAfterMs } : {}),
    }),
  );
}

/** A read that starts after this call (not one already in flight, which may predate a reset).
 * Part of a reset (its fresh read, its re-read after an unknown outcome) uses "reset" priority,
 * so the rate budget's reserve serves it before the monitor's polls. */
export async function readAccountNow(
  account: VenueAccount,
  priority: "read" | "reset" = "read",
): Promise<void> {
  const entry = entryFor(account.account.id);
  if (entry.inflight) await entry.inflight;
  entry.inflight = refresh(account, entry, priority).finally(() => {
    entry.inflight = null;
  });
  await entry.inflight;
}

/** When the read behind the account's current rows started (this process's clock, or the clock
 * of the process that shared it); null when unknown. */
export function readStartedAt(account: VenueAccount): number | null {
  return entryFor(account.account.id).readStartedAt;
}

/** The last read error for the account, if the latest attempt failed. */
export function readProblem(account: VenueAccount): RowProblem | null {
  return entryFor(account.account.id).problem;
}

/** A venue pushed a trigger: show the scope FROZEN now; the next poll confirms or corrects it. */
export function applyPushTrigger(
  account: VenueAccount,
  scope: string,
  frozenUntil: number | null,
): void {
  const entry = entryFor(account.account.id);
  if (!entry.reads.some((r) => r.scope === scope)) return;
  entry.reads = entry.reads.map((r) =>
    r.scope === scope
      ? { scope, state: { ...r.state, status: "frozen", frozenUntil, lastTriggerAt: Date.now() } }
      : r,
  );
  changed(account);
}

/** Whether the account is read sparsely (its push channel is up and its reads spend quoting
 * credits): its rows get the longer stale limit, announced at once. */
export function setSparse(account: VenueAccount, sparse: boolean): void {
  const entry = entryFor(account.account.id);
  if (entry.sparse === sparse) return;
  entry.sparse = sparse;
  changed(account);
}

export const isSparse = (accountId: string): boolean => entryFor(accountId).sparse;

/** The monitor polls the account at this interval because a rate budget paces it (null: at the
 * configured interval). Its rows' stale limit follows; a change is announced at once. */
export function setPaced(account: VenueAccount, pacedMs: number | null): void {
  const entry = entryFor(account.account.id);
  if (entry.pacedMs === pacedMs) return;
  entry.pacedMs = pacedMs;
  changed(account);
}

export const deadManOf = (accountId: string): DeadManEntry => entryFor(accountId).deadMan;

/** A dead-man read is under way (nothing to show yet, so nothing is announced). */
export function noteDeadManAttempt(accountId: string, at: number): void {
  const entry = entryFor(accountId);
  entry.deadMan = { ...entry.deadMan, attemptedAt: at };
}

/** Stores a dead-man read (or its failure) and announces the account. */
export function setDeadMan(account: VenueAccount, deadMan: DeadManEntry): void {
  entryFor(account.account.id).deadMan = deadMan;
  changed(account);
}

/** What another process needs to serve this account's rows as we see them. */
export interface SharedEntry {
  reads: ScopeRead[];
  fetchedAt: number | null;
  /** Absent in what a process of an older build shared: then unknown. */
  readStartedAt?: number | null;
  attemptedAt: number | null;
  problem: RowProblem | null;
  /** Absent from an older build: not sparse. */
  sparse?: boolean;
  /** Absent from an older build: not paced. */
  pacedMs?: number | null;
  /** Absent from an older build: not read. */
  deadMan?: DeadManEntry;
  /** Per scope, the trigger time (venue clock) of the last freeze a reset through the desk is
   * known to have cleared (lib/venues/cleared-triggers.ts). Absent from an older build. */
  cleared?: Record<string, number>;
}

export function exportEntry(accountId: string): SharedEntry {
  const { reads, fetchedAt, readStartedAt, attemptedAt, problem, sparse, pacedMs, deadMan } =
    entryFor(accountId);
  const cleared = clearedTriggersOf(accountId);
  return {
    reads,
    fetchedAt,
    readStartedAt,
    attemptedAt,
    problem,
    sparse,
    pacedMs,
    deadMan,
    cleared,
  };
}

/** Adopts state read by another process; older than what we hold is ignored. */
export function importEntry(account: VenueAccount, shared: SharedEntry): boolean {
  // What another process's reset cleared is news whatever the age of its rows: this process's
  // next read (the leader's poll, say) must not show that freeze FROZEN again.
  for (const [scope, at] of Object.entries(shared.cleared ?? {}))
    noteClearedTrigger(account.account.id, scope, at);
  const entry = entryFor(account.account.id);
  if ((shared.attemptedAt ?? 0) < (entry.attemptedAt ?? 0)) return false;
  const { reads, fetchedAt, attemptedAt, problem } = shared;
  const readStartedAt = shared.readStartedAt ?? null;
  // Its last attempt is newer but its rows are older than ours (that attempt failed): only the
  // failure is news. Our newer rows stay.
  if (
    readStartedAt !== null &&
    entry.readStartedAt !== null &&
    readStartedAt < entry.readStartedAt
  ) {
    if (!problem) return false;
    Object.assign(entry, { attemptedAt, problem });
    changed(account, true);
    return true;
  }
  Object.assign(entry, {
    reads,
    fetchedAt,
    readStartedAt,
    attemptedAt,
    problem,
    sparse: shared.sparse ?? false,
    pacedMs: shared.pacedMs ?? null,
    ...(shared.deadMan ? { deadMan: shared.deadMan } : {}),
  });
  changed(account, true);
  return true;
}
