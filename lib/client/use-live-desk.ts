"use client";

import { useEffect, useMemo, useState } from "react";
import { hashKey, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DeskSnapshot } from "@/lib/model/types";
import { SNAPSHOT_POLL_MS, mmpKeys, snapshotQueryOptions } from "@/lib/client/queries";
import { applyAccountUpdate } from "@/lib/client/live-reducer";
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

export const STREAM_GRACE_MS = 5_000;

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

// The server records a transition in the history just after it announces it; refreshing at once
// could read the history a moment too early, so refreshes wait a little (and coalesce).
const HISTORY_REFRESH_DELAY_MS = 750;

// A dead stream is noticed after this many server poll intervals without any message (at least
// 30 s, twice the server's ping period, so a slow account poll is not mistaken for a dead stream).
const SILENCE_POLLS = 10;
const MIN_SILENCE_MS = 30_000;

/**
 * The desk's data for any page (desk, wall screen): the snapshot query fed by GET /api/stream,
 * falling back to polling GET /api/mmp at the server's poll interval whenever the stream is not
 * live, and the freeze alerts of this page. One instance per page.
 */
export function useLiveDesk(initialSnapshot: DeskSnapshot): LiveDesk {
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);
  const [lostSince, setLostSince] = useState<number | null>(null);
  const [graceOver, setGraceOver] = useState(false);
  const [alerts] = useState(createAlertStore);
  // Seeded with what the page opened with: rows frozen already are on screen, not news.
  const [tracker] = useState(() => createFreezeTracker(initialSnapshot.rows));
  const [refreshHistory] = useState(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => void queryClient.invalidateQueries({ queryKey: mmpKeys.history() }),
        HISTORY_REFRESH_DELAY_MS,
      );
    };
  });

  const query = useQuery({
    ...snapshotQueryOptions(),
    initialData: initialSnapshot,
    refetchInterval: (q) =>
      live ? false : (positive(q.state.data?.pollIntervalMs) ?? SNAPSHOT_POLL_MS),
    // A desk in a background tab still has to alert; the stream does not pause either.
    refetchIntervalInBackground: true,
    // While live the stream is the only source: no extra request per focus or per page open.
    refetchOnWindowFocus: !live,
    refetchOnReconnect: !live,
    refetchOnMount: false,
  });

  // Freeze detection on every change of the cached snapshot, whatever wrote it (stream, poll,
  // a reset's re-read), so a freeze alerts even while only polling works.
  useEffect(() => {
    const { queryKey } = snapshotQueryOptions();
    const hash = hashKey(queryKey);
    let prev = queryClient.getQueryData(queryKey)?.rows;
    return queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== "updated" || event.query.queryHash !== hash) return;
      const next = queryClient.getQueryData(queryKey);
      if (!next || next.rows === prev) return;
      const seen = tracker.observeRows(next.rows, next.serverTime, prev);
      prev = next.rows;
      for (const freeze of seen.freezes) alerts.push(freeze);
      if (seen.changed) refreshHistory();
    });
  }, [queryClient, tracker, alerts, refreshHistory]);

  useEffect(() => {
    const { queryKey } = snapshotQueryOptions();
    const stream = openLiveStream(
      {
        onSnapshot(snapshot) {
          // A poll in flight would land after this and could be older: drop it first (cancel
          // reverts synchronously, so it must come before the write).
          void queryClient.cancelQueries({ queryKey });
          queryClient.setQueryData(queryKey, snapshot);
        },
        onAccount(update) {
          const state = queryClient.getQueryState(queryKey);
          const old = state?.data;
          if (!old) return;
          const next = applyAccountUpdate(old, update);
          if (!next) return;
          // Keep (serverTime, dataUpdatedAt) a true pair: new arrival time only with a new
          // serverTime (see applyAccountUpdate and server-clock.tsx).
          const advanced = next.serverTime !== old.serverTime;
          queryClient.setQueryData(queryKey, next, {
            updatedAt: advanced ? Date.now() : state.dataUpdatedAt,
          });
        },
        onTransition(transition) {
          const freeze = tracker.observeTransition(transition);
          if (freeze) alerts.push(freeze);
          refreshHistory();
        },
        onLiveChange(isLive) {
          setLive(isLive);
          // The first failure dates the loss; later failed attempts do not move it.
          setLostSince((since) => (isLive ? null : (since ?? Date.now())));
          if (isLive) setGraceOver(false);
        },
      },
      {
        silenceMs: () => {
          const poll = positive(queryClient.getQueryData(queryKey)?.pollIntervalMs);
          return Math.max(MIN_SILENCE_MS, SILENCE_POLLS * (poll ?? SNAPSHOT_POLL_MS));
        },
      },
    );
    return () => stream.close();
  }, [queryClient, tracker, alerts, refreshHistory]);

  useEffect(() => {
    if (lostSince === null) return;
    const timer = setTimeout(
      () => setGraceOver(true),
      Math.max(0, lostSince + STREAM_GRACE_MS - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [lostSince]);

  const { data, dataUpdatedAt, error, isFetching } = query;
  const lostAt = graceOver ? lostSince : null;
  const pollAnswered = lostSince !== null && dataUpdatedAt > lostSince && !error;
  const state: ConnectionState = live ? "live" : pollAnswered ? "polling" : "reconnecting";
  const connection = useMemo(() => ({ state, lostAt }), [state, lostAt]);
  return { snapshot: data, dataUpdatedAt, error, isFetching, connection, alerts };
}

function positive(n: number | undefined): number | undefined {
  return typeof n === "number" && n > 0 ? n : undefined;
}
