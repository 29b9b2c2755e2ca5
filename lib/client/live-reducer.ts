// Pure rules for writing the live stream into the cached DeskSnapshot and for what the browser
// may claim about a row. No clocks and no React here: "now" is an argument, so the rules are
// unit-tested as they run (tests/unit/live-reducer.test.ts).
import type { AccountUpdate, DeskSnapshot, MmpRow } from "@/lib/model/types";
import { formatUtcTime } from "@/lib/model/format";

const newestFetch = (rows: readonly MmpRow[]): number =>
  rows.reduce((max, r) => Math.max(max, r.fetchedAt ?? -Infinity), -Infinity);

/**
 * Replaces every row of one account with the server's current view of it (an `account` event).
 * Returns undefined when nothing should change, which makes `setQueryData` a no-op.
 *
 * Invariants:
 * - An update older than what the cache holds for that account (a poll answer landed first) is
 *   ignored, so the desk never steps back in time.
 * - The account's rows keep their places; when their number changed they are put together where
 *   the first one was, and a new account's rows are appended (the desk sorts anyway).
 * - `serverTime` advances to the update's: unlike one re-read row (`withRow`), the stream sends
 *   every account after every server poll, so an update is proof the server is talking to us now.
 *   The caller pairs it with the arrival time as `dataUpdatedAt` (see server-clock.tsx) and keeps
 *   the old `dataUpdatedAt` when `serverTime` did not advance, so the clock offset stays right.
 * - Unchanged rows keep their identity through TanStack's structural sharing in `setQueryData`.
 */
export function applyAccountUpdate(
  snapshot: DeskSnapshot,
  update: AccountUpdate,
): DeskSnapshot | undefined {
  const current = snapshot.rows.filter((r) => r.accountId === update.accountId);
  if (current.length > 0 && newestFetch(update.rows) < newestFetch(current)) return undefined;
  let rows: MmpRow[];
  if (current.length === update.rows.length) {
    // Same row count (the usual case): each slot keeps its position, so TanStack's structural
    // sharing (which compares arrays index by index) keeps every unchanged row object.
    let i = 0;
    rows = snapshot.rows.map((r) => (r.accountId === update.accountId ? update.rows[i++]! : r));
  } else {
    rows = [];
    let placed = false;
    for (const row of snapshot.rows) {
      if (row.accountId !== update.accountId) rows.push(row);
      else if (!placed) {
        rows.push(...update.rows);
        placed = true;
      }
    }
    if (!placed) rows.push(...update.rows);
  }
  return { ...snapshot, rows, serverTime: Math.max(snapshot.serverTime, update.serverTime) };
}

/** Read from the venue longer ago than the server's stale limit: its status can't be vouched for. */
export function isRowStale(row: MmpRow, serverNow: number, staleAfterMs: number): boolean {
  return row.fetchedAt !== null && serverNow - row.fetchedAt > staleAfterMs;
}

/** The stale rows as one string, so a once-a-second check re-renders only when the set changes. */
export function staleKey(rows: readonly MmpRow[], serverNow: number, staleAfterMs: number): string {
  let key = "";
  for (const row of rows) if (isRowStale(row, serverNow, staleAfterMs)) key += `${row.id}\n`;
  return key;
}

/**
 * How a stale row is shown: UNKNOWN with the word "stale" and when it was last read. Never the
 * status it had, above all never a green ACTIVE nor a FROZEN countdown nobody can vouch for.
 * The venue's own problem, if any, stays in the text.
 */
export function asStaleRow(row: MmpRow): MmpRow {
  const readAt =
    row.fetchedAt === null ? "never" : `${formatUtcTime(row.fetchedAt, row.fetchedAt)} UTC`;
  const cause = row.problem ? ` — ${row.problem.message}` : "";
  return {
    ...row,
    status: "unknown",
    problem: { code: "stale", message: `stale: last read from the venue ${readAt}${cause}` },
  };
}

/** Rows as displayed: stale ones replaced (same replacement object while the row is unchanged). */
export function withStaleness(
  rows: readonly MmpRow[],
  staleIds: ReadonlySet<string>,
  cache: WeakMap<MmpRow, MmpRow>,
): readonly MmpRow[] {
  if (staleIds.size === 0) return rows;
  return rows.map((row) => {
    if (!staleIds.has(row.id)) return row;
    let stale = cache.get(row);
    if (!stale) cache.set(row, (stale = asStaleRow(row)));
    return stale;
  });
}

// Problems that belong to one scope's configuration, which the row itself explains, or that are
// not problems of the venue at all. Every other code (unavailable, rate_limited, banned,
// misconfigured, auth, signature, degraded, rejected, …) concerns how the whole account is read,
// and is raised as a banner. A list of exceptions rather than of alarms, so a failure kind added
// on the server later is shouted about, not silently ignored.
export const SCOPE_LEVEL_PROBLEMS: ReadonlySet<string> = new Set([
  "not_enabled",
  "not_configured",
  "bad_scope",
  "not_read",
  "stale",
]);

export interface VenueProblem {
  accountId: string;
  accountLabel: string;
  code: string;
  message: string;
}

/** One entry per account with an account-wide problem, ordered by label. */
export function venueProblems(rows: readonly MmpRow[]): VenueProblem[] {
  const byAccount = new Map<string, VenueProblem>();
  for (const row of rows) {
    const p = row.problem;
    if (!p || SCOPE_LEVEL_PROBLEMS.has(p.code) || byAccount.has(row.accountId)) continue;
    byAccount.set(row.accountId, {
      accountId: row.accountId,
      accountLabel: row.accountLabel,
      code: p.code,
      message: p.message,
    });
  }
  return [...byAccount.values()].sort((a, b) => a.accountLabel.localeCompare(b.accountLabel));
}
