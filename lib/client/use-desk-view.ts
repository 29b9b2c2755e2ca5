"use client";

import { useMemo } from "react";
import type { MmpRow } from "@/lib/model/types";
import { pollIntervalOf, staleAfterOf } from "@/lib/client/staleness";
import { useStaleRows } from "@/lib/client/use-stale-rows";
import type { LiveDesk } from "@/lib/client/use-live-desk";
import { deskWarnings, venueProblems, type DeskWarning } from "@/lib/client/warnings";

export interface DeskView {
  /** The snapshot's rows with stale ones shown as UNKNOWN; unsorted. */
  rows: readonly MmpRow[];
  staleAfterMs: number;
  /** The server's poll interval (or the browser's default). */
  pollIntervalMs: number;
  warnings: DeskWarning[];
  /** Rows shown UNKNOWN because their data is stale. */
  staleCount: number;
}

// What every page shows from the live data, shared by the desk and the wall screen so both apply
// the same staleness rule and raise the same warnings.
export function useDeskView(live: LiveDesk, offsetMs: number): DeskView {
  const { snapshot, connection, error } = live;
  const staleAfterMs = staleAfterOf(snapshot);
  const pollIntervalMs = pollIntervalOf(snapshot);
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
  return { rows, staleAfterMs, pollIntervalMs, warnings, staleCount };
}
