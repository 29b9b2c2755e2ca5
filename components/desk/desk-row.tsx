"use client";

import { memo } from "react";
import type { MmpRow } from "@/lib/model/types";
import { VENUE_LABELS } from "@/lib/model/venues";
import { formatDuration, formatFrozenPeriod, formatLimit } from "@/lib/model/format";
import { StatusBadge } from "@/components/desk/status-badge";
import { wasFrozen } from "@/lib/model/row-status";
import { RowProblem } from "@/components/desk/row-problem";
import { DriftBadge } from "@/components/desk/drift-badge";
import { FrozenSince, FrozenUntil } from "@/components/desk/frozen-until";
import { UtcTime } from "@/components/desk/utc-time";
import { DeadManCell } from "@/components/desk/dead-man-cell";
import { DataAge } from "@/components/desk/data-age";
import { ResetButton } from "@/components/desk/reset-button";
import { HistoryButton } from "@/components/history/row-history";
import { EditLimitsButton } from "@/components/limits/edit-limits-button";

// Columns have fixed widths (desk-table.tsx): long identifiers and venue decimals wrap rather
// than overflow into the next column.
const cell = "px-2 py-1.5 align-top [overflow-wrap:anywhere]";
const num = `${cell} text-right`;

interface Props {
  row: MmpRow;
  canReset: boolean;
  canEditLimits: boolean;
  /** In a long table only the rows near the view are drawn (desk-table.tsx): each tells the
   * virtualiser its place and its height. Both are stable for a row that did not move. */
  index?: number;
  measure?: (el: HTMLTableRowElement | null) => void;
}

// Re-render a row only when something it shows changed. TanStack Query's structural sharing
// keeps the same objects for unchanged data (including `problem`); `fetchedAt` is skipped because
// the data-age cell reads it from its own store (row-ages.tsx), and ticking cells subscribe to
// the shared clock themselves, so no "now" passes through here either.
function sameRow(prev: Props, next: Props): boolean {
  if (prev.canReset !== next.canReset || prev.canEditLimits !== next.canEditLimits) return false;
  if (prev.index !== next.index || prev.measure !== next.measure) return false;
  if (prev.row === next.row) return true;
  const keys = Object.keys(next.row) as (keyof MmpRow)[];
  // An optional field that went away (a row's own stale limit, say) is a change too.
  if (Object.keys(prev.row).length !== keys.length) return false;
  return keys.every((k) => k === "fetchedAt" || prev.row[k] === next.row[k]);
}

export const DeskRow = memo(function DeskRow({
  row,
  canReset,
  canEditLimits,
  index,
  measure,
}: Props) {
  const frozen = row.status === "frozen";
  return (
    <tr
      ref={measure}
      data-index={index}
      className={
        frozen
          ? "bg-rose-950/70 shadow-[inset_4px_0_0_var(--color-rose-400)] hover:bg-rose-950"
          : "hover:bg-slate-800/60"
      }
    >
      <td className={cell}>{VENUE_LABELS[row.venue]}</td>
      <td className={cell} title={`Account id: ${row.accountId}`}>
        {row.accountLabel}
      </td>
      <th scope="row" className={`${cell} text-left font-semibold text-slate-50`}>
        {row.scope}
      </th>
      <td className={cell}>
        <StatusBadge status={row.status} wasFrozen={wasFrozen(row)} />
        <RowProblem problem={row.problem} />
        <DriftBadge drift={row.drift} />
      </td>
      <td className={cell}>
        <FrozenUntil status={row.status} frozenUntil={row.frozenUntil} />
        {frozen && <FrozenSince since={row.frozenSince} observed={row.frozenSinceObserved} />}
      </td>
      <td className={cell}>
        {formatDuration(row.windowMs)}
        {row.windowKind === "interval" && row.windowMs !== null ? (
          <span
            className="block text-xs text-slate-400"
            title="Not a sliding window: counting starts at the first fill, and a fill after the interval ends starts a new one"
          >
            interval
          </span>
        ) : null}
      </td>
      <td className={cell}>{formatFrozenPeriod(row.frozenPeriodMs)}</td>
      <td className={num}>{formatLimit(row.qtyLimit)}</td>
      <td className={num}>{formatLimit(row.deltaLimit)}</td>
      <td className={num}>{formatLimit(row.vegaLimit)}</td>
      <td className={cell}>
        {/* null: never fired, or the venue does not report trigger times (only some do); then a
            frozen row shows when the desk first saw it frozen, marked as seen */}
        {row.lastTriggerAt === null && row.frozenSinceObserved && row.frozenSince ? (
          <span title="The venue does not report its trigger time: first seen frozen at">
            <UtcTime ms={row.frozenSince} /> <span className="text-xs text-slate-400">(seen)</span>
          </span>
        ) : (
          <UtcTime ms={row.lastTriggerAt} empty="—" />
        )}
      </td>
      <td className={cell}>
        <DeadManCell view={row.deadMan} quoting={row.status !== "disabled"} />
      </td>
      <td className={cell}>
        <DataAge rowId={row.id} initial={row.fetchedAt} staleAfterMs={row.staleAfterMs} />
      </td>
      <td className={cell}>
        {/* History and Edit limits first: they are on every row, so they keep one position
            down the column. */}
        <div className="flex flex-wrap items-start gap-2">
          <HistoryButton row={row} />
          {canEditLimits && <EditLimitsButton row={row} />}
          {canReset && <ResetButton row={row} />}
        </div>
      </td>
    </tr>
  );
}, sameRow);
