"use client";

import { formatAge, formatUtcTime, toIsoUtc } from "@/components/desk/format";
import { useServerClock, useServerNow } from "@/components/desk/server-clock";
import { useRowFetchedAt } from "@/components/desk/row-ages";

// A row whose venue read is older than this is flagged: the server polls every account far more
// often, so an old read means that account's polling is failing even if the desk itself is fresh.
export const ROW_STALE_AFTER_MS = 30_000;

// Text that changes every second in 1,000 rows would make the browser re-lay-out the whole table
// each tick (measured: most of the tick's cost). A fixed-size box with size+layout containment
// is a relayout boundary, so a tick only lays out these boxes. Sized for "⚠ 59 min ago".
const TICKING_BOX = "block h-5 w-28 align-top [contain:size_layout_style]";

export function DataAge({ rowId, initial }: { rowId: string; initial: number | null }) {
  const fetchedAt = useRowFetchedAt(rowId, initial);
  const now = useServerNow();
  const { dayRefMs } = useServerClock();
  if (fetchedAt === null) return <span className="font-medium text-amber-200">never</span>;

  const title = `Read from the venue at ${formatUtcTime(fetchedAt, dayRefMs)} UTC`;
  if (now === null) {
    // Until hydrated: the time of day only (it fits the box); the full value is in the title.
    return (
      <time dateTime={toIsoUtc(fetchedAt)} title={title} className={TICKING_BOX}>
        {formatUtcTime(fetchedAt, fetchedAt)}
      </time>
    );
  }
  const stale = now - fetchedAt > ROW_STALE_AFTER_MS;
  return (
    <time
      dateTime={toIsoUtc(fetchedAt)}
      title={title}
      className={stale ? `${TICKING_BOX} font-medium text-amber-200` : TICKING_BOX}
    >
      {stale && <span aria-hidden="true">⚠ </span>}
      {formatAge(fetchedAt, now)}
      {stale && <span className="sr-only"> (stale)</span>}
    </time>
  );
}
