"use client";

import { createContext, useMemo, useState, useSyncExternalStore } from "react";
import type { MmpRow } from "@/lib/model/types";
import { readNow, subscribeNow } from "@/lib/client/use-now";
import { ROW_STALE_AFTER_MS, staleKey, withStaleness } from "@/lib/client/staleness";

/** The row stale limit in force on this page (the server's, see staleAfterOf), for cells that
 * judge a read's age themselves (the data-age cell). */
export const StaleAfterContext = createContext(ROW_STALE_AFTER_MS);

// Rows as the page may show them: a row not read from the venue within `staleAfterMs` (on the
// server's clock: browser clock + the measured offset) becomes UNKNOWN "stale", also while no
// update arrives at all, because the check runs on the page's once-a-second tick. The tick feeds
// a string of stale ids, so the page re-renders only when a row crosses the line, not every second.
export function useStaleRows(
  rows: readonly MmpRow[],
  staleAfterMs: number,
  offsetMs: number,
): { rows: readonly MmpRow[]; staleCount: number } {
  const key = useSyncExternalStore(
    subscribeNow,
    () => staleKey(rows, readNow() + offsetMs, staleAfterMs),
    // The server render shows rows as the server judged them a moment ago.
    () => "",
  );
  const [cache] = useState(() => new WeakMap<MmpRow, MmpRow>());
  return useMemo(() => {
    const ids = new Set(key.split("\n").filter(Boolean));
    return { rows: withStaleness(rows, ids, cache), staleCount: ids.size };
  }, [rows, key, cache]);
}
