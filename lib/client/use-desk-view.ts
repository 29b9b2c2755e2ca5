"use client";

import { useMemo } from "react";
import type { MmpRow } from "@/lib/model/types";
import { SNAPSHOT_POLL_MS } from "@/lib/client/queries";
import { ROW_STALE_AFTER_MS } from "@/lib/client/staleness";
import { venueProblems } from "@/lib/client/live-reducer";
import { useStaleRows } from "@/lib/client/use-stale-rows";
import type { LiveDesk } from "@/lib/client/use-live-desk";
import { deskWarnings, type DeskWarning } from "@/lib/client/warnings";

export interface DeskView {
  /** The snapshot's rows with stale ones shown as UNKNOWN; unsorted. */
  rows: readonly MmpRow[];
  staleAfterMs: number;
  warnings: DeskWarning[];
}

// What every page shows from the live data, shared by the desk and the wall screen so both apply
// the same staleness rule and raise the same warnings.
export function useDeskView(live: LiveDesk, offsetMs: number): DeskView {
  const { snapshot, connection, error } = live;
  // An older server (or a proxy's cached answer) may lack the field: fall back, never NaN.
  const staleAfterMs = snapshot.staleAfterMs > 0 ? snapshot.staleAfterMs : ROW_STALE_AFTER_MS;
  const pollIntervalMs = snapshot.pollIntervalMs > 0 ? snapshot.pollIntervalMs : SNAPSHOT_POLL_MS;
  const { rows, staleCount } = useStaleRows(snapshot.rows, staleAfterMs, offsetMs);
  const problems = useMemo(() => venueProblems(snapshot.rows), [snapshot.rows]);
  const warnings = useMemo(
    () =>
      deskWarnings({
        connection,
        serverTime: snapshot.serverTime,
        pollIntervalMs,
        pollError: error,
        problems,
        staleCount,
        staleAfterMs,
      }),
    [connection, snapshot.serverTime, pollIntervalMs, error, problems, staleCount, staleAfterMs],
  );
  return { rows, staleAfterMs, warnings };
}
