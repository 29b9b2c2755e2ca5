"use client";

import { useContext } from "react";
import { isReadStale } from "@/lib/client/staleness";
import { StaleAfterContext } from "@/lib/client/use-stale-rows";
import { formatAge, formatUtcTime, toIsoUtc } from "@/lib/model/format";
import { useServerClock, useServerNow } from "@/components/desk/server-clock";
import { useRowFetchedAt } from "@/components/desk/row-ages";

/** `staleAfterMs`: the row's own limit where it has one (an account read sparsely). */
export function DataAge({
  rowId,
  initial,
  staleAfterMs: own,
}: {
  rowId: string;
  initial: number | null;
  staleAfterMs?: number;
}) {
  const fetchedAt = useRowFetchedAt(rowId, initial);
  const now = useServerNow();
  const { dayRefMs } = useServerClock();
  const desk = useContext(StaleAfterContext);
  const staleAfterMs = own ?? desk;
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
  const stale = isReadStale(fetchedAt, now, staleAfterMs);
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
