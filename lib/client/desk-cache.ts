// The desk's data in TanStack Query's cache has ONE writer: this module. It writes the snapshot
// query for every source (the live stream's snapshot and account updates, a reset's re-read row)
// and is the only module that invalidates the snapshot or the trigger-history queries. The one
// write it does not make itself is a poll of GET /api/mmp, which TanStack stores from the query
// function of snapshotQueryOptions (queries.ts); polls run only while the stream is down.
//
// Invariants, for every write:
// 1. Never back in time. Times compared are the venue read times (`fetchedAt`). An account update
//    older than what the cache holds for that account is dropped, and so is a row older than the
//    cached row: a reset's answer never overwrites a newer stream update, a late answer never a
//    newer one. A stream snapshot replaces everything, after cancelling any poll in flight, which
//    could otherwise land after it with older data.
// 2. (serverTime, dataUpdatedAt) stay a true pair: the page measures the browser's clock offset
//    from it (components/desk/server-clock.tsx), so dataUpdatedAt moves only when serverTime does.
//    An account update advances serverTime (the stream sends every account after every server
//    poll, so an update proves the server is talking to us now); one re-read row does not (one
//    fresh row does not make the rest of the desk fresh), so a row write keeps both.
// 3. A single row is never added: snapshots and account updates decide which rows the desk holds.
// 4. Unchanged rows keep their object identity (same-count updates keep each row's slot, and
//    TanStack's structural sharing keeps equal objects), so memoised rows do not re-render.
// 5. While the stream is live it is the only source: nothing invalidates the snapshot, not even a
//    reset (the server re-reads the account after a reset and the stream delivers that). While it
//    is down, polls are the source, and a settled reset asks for one at once.
// 6. Trigger-history queries are refreshed when a row starts or stops being frozen, whoever wrote
//    it (the freeze tracker decides, see useLiveDesk), and after the server's first update of an
//    account that was reset: the server records history when it publishes a change, and a reset's
//    own answer may already have shown the change before that. Always a moment later (the server
//    writes the history just after publishing) and coalesced.
import { hashKey, type QueryClient } from "@tanstack/react-query";
import type { AccountUpdate, DeskSnapshot, MmpRow } from "@/lib/model/types";
import { mmpKeys, snapshotQueryOptions } from "@/lib/client/queries";

const HISTORY_REFRESH_DELAY_MS = 750;

export interface DeskCache {
  /** A stream snapshot: the first message of every connection (invariant 1). */
  writeSnapshot(snapshot: DeskSnapshot): void;
  /** A stream `account` event: all rows of one account (invariants 1–4). */
  writeAccount(update: AccountUpdate): void;
  /** Several `account` events in the order they came, in one cache write (one render). */
  writeAccounts(updates: readonly AccountUpdate[]): void;
  /** One re-read row, e.g. a reset's answer (invariants 1–3). */
  writeRow(row: MmpRow): void;
  /** A reset of one of this account's rows finished, whatever its outcome (invariants 5, 6). */
  resetSettled(accountId: string): void;
  /** Some row started or stopped being frozen (invariant 6). */
  refreshHistory(): void;
  /** Whether the stream currently feeds the cache; set by the page's stream (useLiveDesk). */
  isStreamLive(): boolean;
  setStreamLive(live: boolean): void;
  subscribeStreamLive(listener: () => void): () => void;
  /** Every change of the cached rows, whoever wrote them, with the rows before it. */
  watchRows(
    listener: (next: DeskSnapshot, prev: readonly MmpRow[] | undefined) => void,
  ): () => void;
}

const caches = new WeakMap<QueryClient, DeskCache>();

/** The cache writer of this QueryClient (one per browser session, see providers.tsx). */
export function deskCache(queryClient: QueryClient): DeskCache {
  let cache = caches.get(queryClient);
  if (!cache) caches.set(queryClient, (cache = createDeskCache(queryClient)));
  return cache;
}

function createDeskCache(queryClient: QueryClient): DeskCache {
  const { queryKey } = snapshotQueryOptions();
  let live = false;
  const liveListeners = new Set<() => void>();
  let historyTimer: ReturnType<typeof setTimeout> | undefined;
  // Accounts reset while live whose re-read the stream has not delivered yet (invariant 6).
  const resetPending = new Set<string>();

  function refreshHistory(): void {
    clearTimeout(historyTimer);
    historyTimer = setTimeout(
      () => void queryClient.invalidateQueries({ queryKey: mmpKeys.history() }),
      HISTORY_REFRESH_DELAY_MS,
    );
  }

  function writeAccounts(updates: readonly AccountUpdate[]): void {
    const state = queryClient.getQueryState(queryKey);
    const old = state?.data;
    if (!old) return;
    // Each in turn, as if written one by one (an older one is still dropped), then one write.
    let next = old;
    const applied: string[] = [];
    for (const update of updates) {
      const after = applyAccountUpdate(next, update);
      if (!after) continue;
      next = after;
      applied.push(update.accountId);
    }
    if (next === old) return;
    const advanced = next.serverTime !== old.serverTime;
    queryClient.setQueryData(queryKey, next, {
      updatedAt: advanced ? Date.now() : state.dataUpdatedAt,
    });
    if (applied.filter((id) => resetPending.delete(id)).length > 0) refreshHistory();
  }

  return {
    writeSnapshot(snapshot) {
      // cancelQueries reverts a fetch in flight synchronously, so it must come before the write.
      void queryClient.cancelQueries({ queryKey });
      queryClient.setQueryData(queryKey, snapshot);
      if (resetPending.size > 0) {
        resetPending.clear();
        refreshHistory();
      }
    },

    writeAccount(update) {
      writeAccounts([update]);
    },

    writeAccounts,

    writeRow(row) {
      const state = queryClient.getQueryState(queryKey);
      const old = state?.data;
      if (!old) return;
      const next = withRow(old, row);
      if (next) queryClient.setQueryData(queryKey, next, { updatedAt: state.dataUpdatedAt });
    },

    resetSettled(accountId) {
      if (live) {
        resetPending.add(accountId);
        return;
      }
      void queryClient.invalidateQueries({ queryKey });
      refreshHistory();
    },

    refreshHistory,

    isStreamLive: () => live,
    setStreamLive(next) {
      if (next === live) return;
      live = next;
      // The re-reads still owed will come by poll now: refresh the history once instead.
      if (!live && resetPending.size > 0) {
        resetPending.clear();
        refreshHistory();
      }
      for (const l of liveListeners) l();
    },
    subscribeStreamLive(listener) {
      liveListeners.add(listener);
      return () => liveListeners.delete(listener);
    },

    watchRows(listener) {
      const hash = hashKey(queryKey);
      let prev = queryClient.getQueryData(queryKey)?.rows;
      return queryClient.getQueryCache().subscribe((event) => {
        if (event.type !== "updated" || event.query.queryHash !== hash) return;
        const next = queryClient.getQueryData(queryKey);
        if (!next || next.rows === prev) return;
        const before = prev;
        prev = next.rows;
        listener(next, before);
      });
    },
  };
}

const newestFetch = (rows: readonly MmpRow[]): number =>
  rows.reduce((max, r) => Math.max(max, r.fetchedAt ?? -Infinity), -Infinity);

/**
 * The snapshot with every row of one account replaced by the server's current view of it, or
 * undefined when nothing may change (an update older than the cached account: invariant 1).
 * The account's rows keep their places; when their number changed they are put together where
 * the first one was, and a new account's rows are appended (the desk sorts anyway).
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

/**
 * The snapshot with one re-read row in place of the cached one, or undefined when nothing may
 * change: a row the snapshot does not hold (invariant 3) or one older than the cached row
 * (invariant 1). `serverTime` is kept (invariant 2).
 */
export function withRow(snapshot: DeskSnapshot, row: MmpRow): DeskSnapshot | undefined {
  const index = snapshot.rows.findIndex((r) => r.id === row.id);
  const current = snapshot.rows[index];
  if (!current) return undefined;
  if (current.fetchedAt !== null && (row.fetchedAt === null || row.fetchedAt < current.fetchedAt))
    return undefined;
  const rows = snapshot.rows.slice();
  rows[index] = row;
  return { ...snapshot, rows };
}
