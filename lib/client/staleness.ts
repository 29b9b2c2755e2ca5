// Every rule for "can the page still vouch for this?" in one place: the thresholds and the tests
// of a row, a data-age cell, the desk as a whole and the wall's "last update". Components only
// call these; none holds a threshold of its own. Pure (no clock, no React): "now" is an argument,
// so the rules are unit-tested as they run (tests/unit/live-staleness.test.ts).
//
// Two clocks are in play. Row and update times are on the app server's clock, so they are
// compared with the server-corrected now (browser clock + measured offset, server-clock.tsx).
// The desk-level check compares the browser's own clocks (when did data last land here).
import type { DeskSnapshot, MmpRow } from "@/lib/model/types";
import { formatUtcTime } from "@/lib/model/format";
import { SNAPSHOT_POLL_MS } from "@/lib/client/queries";

/**
 * A row whose venue read is older than this is stale: the server polls every account far more
 * often, so an old read means that account's polling is failing even if the desk itself is
 * fresh. Only the fallback: the snapshot carries the server's own limit (`staleAfterMs`).
 */
export const ROW_STALE_AFTER_MS = 30_000;

/** Without new data landing for this long the whole desk is stale even if no request failed yet
 * (the poll is paused or stuck); several poll intervals, so one slow answer does not flash it. */
export const DESK_STALE_AFTER_MS = 10_000;

/** The wall's "last update" is late after this many poll intervals without a newer server time. */
const LATE_AFTER_POLLS = 3;

/** The problem code a stale row is shown with (asStaleRow). */
export const STALE_PROBLEM_CODE = "stale";

// An older server (or a proxy's cached answer) may lack a field: fall back, never NaN.
const positiveOr = (n: number | undefined, fallback: number) =>
  typeof n === "number" && n > 0 ? n : fallback;

/** The server's stale limit for rows, or the fallback. */
export function staleAfterOf(snapshot: Pick<DeskSnapshot, "staleAfterMs">): number {
  return positiveOr(snapshot.staleAfterMs, ROW_STALE_AFTER_MS);
}

/** The server's poll interval, or the browser's own polling default. */
export function pollIntervalOf(snapshot: Pick<DeskSnapshot, "pollIntervalMs"> | undefined): number {
  return positiveOr(snapshot?.pollIntervalMs, SNAPSHOT_POLL_MS);
}

/** A venue read longer ago than the limit (server clock). Never read at all is not "stale": the
 * row already says so itself. */
export function isReadStale(fetchedAt: number | null, serverNow: number, staleAfterMs: number) {
  return fetchedAt !== null && serverNow - fetchedAt > staleAfterMs;
}

/** Read from the venue longer ago than the server's stale limit: its status can't be vouched for. */
export function isRowStale(row: MmpRow, serverNow: number, staleAfterMs: number): boolean {
  return isReadStale(row.fetchedAt, serverNow, row.staleAfterMs ?? staleAfterMs);
}

/** The stale rows as one string, so a once-a-second check re-renders only when the set changes. */
export function staleKey(rows: readonly MmpRow[], serverNow: number, staleAfterMs: number): string {
  let key = "";
  for (const row of rows) if (isRowStale(row, serverNow, staleAfterMs)) key += `${row.id}\n`;
  return key;
}

/**
 * How a stale row is shown: UNKNOWN with the word "stale" and when it was last read. Never the
 * status it had as if current, above all never a green ACTIVE nor a FROZEN countdown nobody can
 * vouch for; the status the last read showed is kept as `lastKnown`, so a row that was frozen
 * still says so ("FROZEN? last seen …"). The venue's own problem, if any, stays in the text.
 */
export function asStaleRow(row: MmpRow): MmpRow {
  const readAt =
    row.fetchedAt === null ? "never" : `${formatUtcTime(row.fetchedAt, row.fetchedAt)} UTC`;
  const cause = row.problem ? ` — ${row.problem.message}` : "";
  const lastKnown = row.status !== "unknown" ? row.status : row.lastKnown;
  return {
    ...row,
    status: "unknown",
    ...(lastKnown ? { lastKnown } : {}),
    problem: {
      code: STALE_PROBLEM_CODE,
      message: `stale: last read from the venue ${readAt}${cause}`,
    },
  };
}

/** A displayed row that asStaleRow replaced. */
export const isShownStale = (row: MmpRow): boolean => row.problem?.code === STALE_PROBLEM_CODE;

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

export interface DeskFreshness {
  /** The last refresh failed with this error (cleared by the next success). */
  error: Error | null;
  /** Browser time when the data on screen landed (TanStack's dataUpdatedAt). */
  dataUpdatedAt: number;
  /** A refresh is in flight; an old timestamp alone is not proof of staleness yet. */
  fetching: boolean;
}

/** Why the whole desk is stale, or null; `now` is the browser's clock (null before hydration). */
export function deskStaleReason(desk: DeskFreshness, now: number | null): string | null {
  if (desk.error) return desk.error.message;
  const tooOld = now !== null && !desk.fetching && now - desk.dataUpdatedAt > DESK_STALE_AFTER_MS;
  return tooOld ? `no new data for more than ${DESK_STALE_AFTER_MS / 1000} s` : null;
}

/** The data's server time is older than a few poll intervals (server clock). */
export function isUpdateLate(serverTime: number, serverNow: number, pollIntervalMs: number) {
  return serverNow - serverTime > LATE_AFTER_POLLS * pollIntervalMs;
}
