"use client";

import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { AccountUpdate, DeskSnapshot } from "@/lib/model/types";
import { RequestError, snapshotQueryOptions } from "@/lib/client/queries";
import { deskCache } from "@/lib/client/desk-cache";
import { pollIntervalOf } from "@/lib/client/staleness";
import { createFreezeTracker } from "@/lib/client/freeze-tracker";
import { createAlertStore, type AlertStore } from "@/lib/client/alert-store";
import { openLiveStream } from "@/lib/client/live-stream";

/** "live": the stream is in sync; "polling": it is down but polls of /api/mmp answer;
 * "reconnecting": it is down and no poll has answered since (or the first connect is pending). */
export type ConnectionState = "live" | "reconnecting" | "polling";

export interface Connection {
  state: ConnectionState;
  /** Browser time the stream was lost (or first failed to connect), once it has stayed down for
   * STREAM_GRACE_MS; null otherwise. Warnings key off this, so the server's routine stream
   * rotation (it closes streams every ~10 min; the page is back within a second) and a page's
   * first connect do not flash a banner on a wall screen. Polling starts at once regardless. */
  lostAt: number | null;
}

const STREAM_GRACE_MS = 5_000;

export interface LiveDesk {
  snapshot: DeskSnapshot;
  /** Browser time when `snapshot.serverTime` was current (the pair gives the clock offset). */
  dataUpdatedAt: number;
  /** The last poll failed (cleared by the next success, polled or pushed). */
  error: Error | null;
  isFetching: boolean;
  connection: Connection;
  alerts: AlertStore;
}

// A dead stream is noticed after this many server poll intervals without any message (at least
// 30 s, twice the server's ping period, so a slow account poll is not mistaken for a dead stream).
const SILENCE_POLLS = 10;
const MIN_SILENCE_MS = 30_000;
/** How long an account update waits for the ones right behind it. */
const ACCOUNT_BATCH_MS = 50;

/**
 * The desk's data for any page (desk, wall screen): the snapshot query fed by GET /api/stream
 * through the desk cache (desk-cache.ts), falling back to polling GET /api/mmp at the server's
 * poll interval whenever the stream is not live, and the freeze alerts of this page, detected
 * from the rows alone (freeze-tracker.ts). One instance per page.
 */
export function useLiveDesk(initialSnapshot: DeskSnapshot): LiveDesk {
  const queryClient = useQueryClient();
  const cache = deskCache(queryClient);
  const live = useSyncExternalStore(cache.subscribeStreamLive, cache.isStreamLive, () => false);
  const [lostSince, setLostSince] = useState<number | null>(null);
  const [graceOver, setGraceOver] = useState(false);
  const [alerts] = useState(createAlertStore);
  // Seeded with what the page opened with: rows frozen already are on screen, not news.
  const [tracker] = useState(() => createFreezeTracker(initialSnapshot.rows));

  const query = useQuery({
    ...snapshotQueryOptions(),
    initialData: initialSnapshot,
    refetchInterval: (q) => (live ? false : pollIntervalOf(q.state.data)),
    // A desk in a background tab still has to alert; the stream does not pause either.
    refetchIntervalInBackground: true,
    // While live the stream is the only source: no extra request per focus or per page open.
    refetchOnWindowFocus: !live,
    refetchOnReconnect: !live,
    refetchOnMount: false,
  });

  // Freeze detection on every change of the cached snapshot, whatever wrote it (stream, poll,
  // a reset's re-read), so a freeze alerts even while only polling works.
  useEffect(
    () =>
      cache.watchRows((next, prev) => {
        const seen = tracker.observeRows(next.rows, next.serverTime, prev);
        for (const freeze of seen.freezes) alerts.push(freeze);
        for (const rowId of seen.ended) alerts.resolve(rowId, next.serverTime);
        if (seen.changed) cache.refreshHistory();
      }),
    [cache, tracker, alerts],
  );

  useEffect(() => {
    const { queryKey } = snapshotQueryOptions();
    // Account updates arrive as one browser task each (the server writes a few hundred
    // milliseconds' worth together): written into the cache together, a moment later, they cost
    // one render instead of one each, which is what keeps a desk of thousands of rows scrolling.
    let pending: AccountUpdate[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      flushTimer = undefined;
      const updates = pending;
      pending = [];
      cache.writeAccounts(updates);
    };
    const stream = openLiveStream(
      {
        onSnapshot: (snapshot) => {
          // What was pending is older than the snapshot, which replaces everything.
          clearTimeout(flushTimer);
          flushTimer = undefined;
          pending = [];
          cache.writeSnapshot(snapshot);
        },
        onAccount: (update) => {
          pending.push(update);
          flushTimer ??= setTimeout(flush, ACCOUNT_BATCH_MS);
        },
        onLiveChange(isLive) {
          cache.setStreamLive(isLive);
          // The first failure dates the loss; later failed attempts do not move it.
          setLostSince((since) => (isLive ? null : (since ?? Date.now())));
          if (isLive) setGraceOver(false);
        },
      },
      {
        silenceMs: () =>
          Math.max(
            MIN_SILENCE_MS,
            SILENCE_POLLS * pollIntervalOf(queryClient.getQueryData(queryKey)),
          ),
      },
    );
    return () => {
      clearTimeout(flushTimer);
      stream.close();
      // Nothing feeds the cache from this page's stream any more.
      cache.setStreamLive(false);
    };
  }, [queryClient, cache]);

  useEffect(() => {
    if (lostSince === null) return;
    const timer = setTimeout(
      () => setGraceOver(true),
      Math.max(0, lostSince + STREAM_GRACE_MS - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [lostSince]);

  const { data, dataUpdatedAt, error, isFetching } = query;
  // 401: the session ended (signed out elsewhere, revoked by an admin, the user's password or role
  // changed); the server closed the stream for the same reason. Nothing here can update any more,
  // so go to sign-in (and back to this page after it) rather than show a desk that looks alive.
  const router = useRouter();
  useEffect(() => {
    if (!(error instanceof RequestError) || error.status !== 401) return;
    const back = `${window.location.pathname}${window.location.search}`;
    router.replace(`/login?callbackUrl=${encodeURIComponent(back)}`);
  }, [error, router]);
  const lostAt = graceOver ? lostSince : null;
  const pollAnswered = lostSince !== null && dataUpdatedAt > lostSince && !error;
  const state: ConnectionState = live ? "live" : pollAnswered ? "polling" : "reconnecting";
  const connection = useMemo(() => ({ state, lostAt }), [state, lostAt]);
  return { snapshot: data, dataUpdatedAt, error, isFetching, connection, alerts };
}
