"use client";

import { createContext, useContext } from "react";
import { formatAge, formatUtcTime, toIsoUtc } from "@/components/desk/format";
import { useServerClock, useServerNow } from "@/components/desk/server-clock";
import { useRowFetchedAt } from "@/components/desk/row-ages";

// A row whose venue read is older than this is flagged: the server polls every account far more
// often, so an old read means that account's polling is failing even if the desk itself is fresh.
// Only the default: the desk provides the server's own limit (DeskSnapshot.staleAfterMs), the
// same one that turns the row's status UNKNOWN (components/live/use-stale-rows.ts).
export const ROW_STALE_AFTER_MS = 30_000;

export const StaleAfterContext = createContext(ROW_STALE_AFTER_MS);

export function DataAge({ rowId, initial }: { rowId: string; initial: number | null }) {
  const fetchedAt = useRowFetchedAt(rowId, initial);
  const now = useServerNow();
  const { dayRefMs } = useServerClock();
  const staleAfterMs = useContext(StaleAfterContext);
  if (fetchedAt === null) return <span className="font-medium text-amber-200">never</span>;

  const absolute = formatUtcTime(fetchedAt, dayRefMs);
  const title = `Read from the venue at ${absolute} UTC`;
  if (now === null) {
    return (
      <time dateTime={toIsoUtc(fetchedAt)} title={title}>
        {absolute}
      </time>
    );
  }
  const stale = now - fetchedAt > staleAfterMs;
  return (
    <time
      dateTime={toIsoUtc(fetchedAt)}
      title={title}
      className={stale ? "font-medium text-amber-200" : undefined}
    >
      {stale && <span aria-hidden="true">⚠ </span>}
      {formatAge(fetchedAt, now)}
      {stale && <span className="sr-only"> (stale)</span>}
    </time>
  );
}
