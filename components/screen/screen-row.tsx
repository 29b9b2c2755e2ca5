"use client";

import { memo } from "react";
import type { MmpRow, MmpStatus } from "@/lib/model/types";
import { VENUE_LABELS } from "@/lib/model/venues";
import { STATUS_LABELS, StatusIcon } from "@/components/desk/status-badge";
import { FrozenUntil } from "@/components/desk/frozen-until";
import { isShownStale } from "@/lib/client/staleness";

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
export const ScreenRow = memo(function ScreenRow({ row }: { row: MmpRow }) {
  const look = LOOK[row.status];
  const venue = VENUE_LABELS[row.venue];
  // Labels usually name the venue already ("<Venue> main"); otherwise it is added.
  const account = row.accountLabel.toLowerCase().includes(venue.toLowerCase())
    ? row.accountLabel
    : `${venue} · ${row.accountLabel}`;
  const stale = isShownStale(row);
  return (
    <li
      className={`grid min-h-12 grid-cols-[11.5rem_minmax(0,1fr)_auto] items-center gap-4 rounded-md px-4 py-0.5 leading-tight ${look.row}`}
    >
      <span className={`flex items-center gap-2 text-2xl font-black tracking-wide ${look.status}`}>
        <StatusIcon status={row.status} className="size-7 shrink-0" />
        {STATUS_LABELS[row.status]}
      </span>{" "}
      <span className="flex min-w-0 items-baseline gap-3">
        <span className="shrink-0 text-3xl font-bold text-white">{row.scope}</span>{" "}
        <span className="truncate text-2xl text-slate-300" title={account}>
          {account}
        </span>
      </span>{" "}
      <span className="max-w-[22rem] truncate text-right text-2xl font-bold">
        {row.status === "frozen" ? (
          <span className="text-3xl">
            <FrozenUntil status={row.status} frozenUntil={row.frozenUntil} />
          </span>
        ) : row.status === "unknown" ? (
          <span className="text-amber-200" title={row.problem?.message}>
            {stale ? "stale" : (row.problem?.code.replace(/_/g, " ") ?? "no data")}
          </span>
        ) : null}
      </span>
    </li>
  );
});
