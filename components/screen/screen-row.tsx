"use client";

import { memo } from "react";
import type { MmpRow, MmpStatus } from "@/lib/model/types";
import { VENUE_LABELS } from "@/lib/model/venues";
import { STATUS_LABELS, StatusIcon, WAS_FROZEN_LABEL } from "@/components/desk/status-badge";
import { FrozenSince, FrozenUntil } from "@/components/desk/frozen-until";
import { isShownStale } from "@/lib/client/staleness";
import { wasFrozen } from "@/lib/model/row-status";
import { formatAge, formatUtcTime } from "@/lib/model/format";
import { useServerClock, useServerNow } from "@/components/desk/server-clock";
import { driftText } from "@/components/desk/drift-badge";

// Colour only reinforces the status word and icon; on a monochrome or washed-out display the
// word, the icon and the frozen row's heavy border still tell the states apart.
const LOOK: Record<MmpStatus, { row: string; status: string }> = {
  frozen: { row: "bg-rose-900 ring-4 ring-rose-300", status: "text-white" },
  unknown: { row: "bg-amber-950 ring-2 ring-amber-400/80", status: "text-amber-200" },
  active: { row: "bg-slate-900", status: "text-emerald-300" },
  disabled: { row: "bg-slate-900/60", status: "text-slate-400" },
};

// One row of the wall: status, scope, account and venue, and on the right what matters for that
// status (the countdown for a frozen row, the reason for an unknown one). Read-only by design:
// nothing here can reset, on any role.
/** "last seen 14:25:55 · 40 s ago": how old the last known state of a stale row is. */
function LastSeen({ fetchedAt }: { fetchedAt: number | null }) {
  const now = useServerNow();
  const { dayRefMs } = useServerClock();
  if (fetchedAt === null) return <>no data</>;
  const age = now === null ? "" : ` · ${formatAge(fetchedAt, now)}`;
  return (
    <>
      last seen {formatUtcTime(fetchedAt, dayRefMs)}
      {age}
    </>
  );
}

export const ScreenRow = memo(function ScreenRow({
  row,
  compact = false,
}: {
  row: MmpRow;
  /** More freezes than one column holds: two columns of smaller rows. */
  compact?: boolean;
}) {
  // A stale row that was frozen keeps the frozen look, marked with "?" and its age: an outage
  // must not make a freeze look like "nothing to see".
  const frozenBefore = wasFrozen(row);
  const look = frozenBefore
    ? { row: "bg-rose-950 ring-4 ring-amber-400 ring-offset-0", status: "text-rose-100" }
    : LOOK[row.status];
  const venue = VENUE_LABELS[row.venue];
  // Labels usually name the venue already ("<Venue> main"); otherwise it is added.
  const account = row.accountLabel.toLowerCase().includes(venue.toLowerCase())
    ? row.accountLabel
    : `${venue} · ${row.accountLabel}`;
  const stale = isShownStale(row);
  // One line per row, every word at 40 px or more (readable across a room at 1080p); the wall
  // shows as many rows as fit and counts the rest (fit-rows.ts). The account name takes the
  // width that is left and is cut only when it truly has none.
  return (
    <li
      className={`grid grid-cols-[7.8em_auto_minmax(0,1fr)_auto] items-baseline gap-x-6 rounded-md px-5 py-1 leading-tight ${compact ? "text-2xl" : "text-[2.5rem]"} ${look.row}`}
    >
      <span
        className={`flex items-center gap-3 self-center font-black tracking-wide ${look.status}`}
      >
        <StatusIcon status={frozenBefore ? "frozen" : row.status} className="size-10 shrink-0" />
        {frozenBefore ? WAS_FROZEN_LABEL : STATUS_LABELS[row.status]}
      </span>{" "}
      <span className="font-bold text-white">{row.scope}</span>{" "}
      <span className="truncate text-slate-300" title={account}>
        {account}
      </span>{" "}
      <span className="text-right font-bold whitespace-nowrap">
        {row.status === "frozen" ? (
          <>
            <FrozenUntil status={row.status} frozenUntil={row.frozenUntil} />
            <FrozenSince
              since={row.frozenSince}
              observed={row.frozenSinceObserved}
              inline
              className="font-semibold text-rose-100"
            />
          </>
        ) : row.drift && row.status !== "unknown" ? (
          // Limits that left their desired state; MMP switched off at the venue is the loudest.
          <span
            className={row.drift.off ? "rounded bg-rose-700 px-3 text-white" : "text-amber-300"}
            title={driftText(row.drift)}
          >
            {row.drift.off
              ? "MMP OFF"
              : `DRIFT: ${row.drift.fields.map((f) => f.label).join(", ")}`}
          </span>
        ) : row.status === "unknown" ? (
          <span className="text-amber-200" title={row.problem?.message}>
            {stale || frozenBefore ? (
              <LastSeen fetchedAt={row.fetchedAt} />
            ) : (
              (row.problem?.code.replace(/_/g, " ") ?? "no data")
            )}
          </span>
        ) : null}
      </span>
    </li>
  );
});
