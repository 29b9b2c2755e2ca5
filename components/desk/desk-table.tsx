"use client";

import { useRef, type RefObject } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { MmpRow } from "@/lib/model/types";
import { DeskRow } from "@/components/desk/desk-row";

/** Up to this many rows the table draws them all (the first HTML carries at most 120). Above it,
 * only the rows in and near the view are in the page: with thousands of rows updated every
 * second, drawing them all took the browser's main thread for most of each second. */
const DRAW_ALL_UP_TO = 150;
/** A one-line row's height in px, the estimate before a row has been measured. */
const ROW_PX = 37;

// Fixed table layout with these widths: columns never jump when a countdown or a new problem
// text changes, and a once-a-second tick does not make the browser re-measure 1,000 rows to
// size the columns (measured: a third less layout time per tick than automatic layout).
const COLUMNS = [
  { label: "Venue", width: "w-20" },
  { label: "Account", width: "w-32" },
  { label: "Scope", width: "w-32" },
  { label: "Status", width: "w-40" },
  { label: "Frozen until", width: "w-32" },
  { label: "Window", width: "w-20" },
  { label: "Frozen period", width: "w-24" },
  { label: "Qty limit", width: "w-20", numeric: true },
  { label: "Delta limit", width: "w-20", numeric: true },
  { label: "Vega limit", width: "w-20", numeric: true },
  { label: "Last trigger (UTC)", width: "w-24" },
  // Sized so the whole table, Action included, fits the desk's 1,566 px at 1600 px and up.
  { label: "Dead-man switch", width: "w-28" },
  { label: "Data age", width: "w-28" },
  { label: "Action", width: "w-52" },
] as const;

/** The pointer or keyboard focus entering or leaving the table (the desk holds its order). */
export interface TablePresence {
  onEnter(): void;
  onLeave(): void;
}

/** `rows` must already be filtered and ordered (see sort-rows.ts, use-held-order.ts); this only
 * renders. */
export function DeskTable({
  rows,
  canReset,
  canEditLimits,
  pointer,
  focus,
}: {
  rows: readonly MmpRow[];
  canReset: boolean;
  canEditLimits: boolean;
  pointer?: TablePresence;
  focus?: TablePresence;
}) {
  const box = useRef<HTMLDivElement>(null);
  return (
    // The region scrolls on its own so the header can stick; it is focusable so keyboard users
    // can scroll it too, and named so screen readers announce what it holds.
    <div
      id="desk-table"
      ref={box}
      role="region"
      aria-labelledby="desk-table-caption"
      tabIndex={0}
      onPointerEnter={pointer?.onEnter}
      onPointerLeave={pointer?.onLeave}
      onFocus={focus?.onEnter}
      onBlur={(e) => {
        // Leaving means focus went outside the table, not from one button to the next.
        if (!e.currentTarget.contains(e.relatedTarget)) focus?.onLeave();
      }}
      className="max-h-[calc(100dvh-13rem)] min-h-48 overflow-auto rounded-md border border-slate-800 focus-visible:outline-2 focus-visible:outline-sky-400"
    >
      <table className="w-full min-w-[98rem] table-fixed border-collapse text-sm tabular-nums">
        <caption id="desk-table-caption" className="sr-only">
          MMP state per account and scope, frozen rows first
        </caption>
        <thead className="sticky top-0 z-10 bg-slate-900 text-xs text-slate-300 shadow-[0_1px_0_var(--color-slate-700)]">
          <tr>
            {COLUMNS.map((col) => (
              <th
                key={col.label}
                scope="col"
                className={`${col.width} px-2 py-2 font-semibold ${"numeric" in col ? "text-right" : "text-left"}`}
              >
                {col.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-800/80">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS.length} className="px-3 py-6 text-center text-slate-400">
                No rows match these filters.
              </td>
            </tr>
          ) : rows.length <= DRAW_ALL_UP_TO ? (
            rows.map((row) => (
              <DeskRow key={row.id} row={row} canReset={canReset} canEditLimits={canEditLimits} />
            ))
          ) : (
            <VisibleRows rows={rows} box={box} canReset={canReset} canEditLimits={canEditLimits} />
          )}
        </tbody>
      </table>
    </div>
  );
}

/** The rows in and near the table's view, between two spacer rows that keep the scroll height
 * (and so the scrollbar) that of the whole table. Rows are measured once drawn: a row whose
 * problem text wraps is taller. */
function VisibleRows({
  rows,
  box,
  canReset,
  canEditLimits,
}: {
  rows: readonly MmpRow[];
  box: RefObject<HTMLDivElement | null>;
  canReset: boolean;
  canEditLimits: boolean;
}) {
  // The React Compiler is not used here (next.config.js): nothing memoises this component, so
  // the virtualiser's changing functions cannot go stale.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => box.current,
    estimateSize: () => ROW_PX,
    getItemKey: (i) => rows[i]!.id,
    overscan: 10,
    // Before the box is measured (and in the server's render): a tall screen's worth.
    initialRect: { width: 1600, height: 1200 },
  });
  const items = virtualizer.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <>
      {top > 0 && <tr aria-hidden="true" style={{ height: top }} />}
      {items.map((item) => {
        const row = rows[item.index]!;
        return (
          <DeskRow
            key={row.id}
            row={row}
            index={item.index}
            measure={virtualizer.measureElement}
            canReset={canReset}
            canEditLimits={canEditLimits}
          />
        );
      })}
      {bottom > 0 && <tr aria-hidden="true" style={{ height: bottom }} />}
    </>
  );
}
