"use client";

import { lazy, Suspense, useRef } from "react";
import type { MmpRow } from "@/lib/model/types";
import { DeskRow } from "@/components/desk/desk-row";

/** Up to this many rows the table draws them all (the first HTML carries at most 120). Above it,
 * only the rows in and near the view are in the page: with thousands of rows updated every
 * second, drawing them all took the browser's main thread for most of each second. */
const DRAW_ALL_UP_TO = 150;

// The virtualiser loads with the first long desk, not with every page: most desks never need it,
// and the first load of `/` stays as light as it was. Until it is there, the first rows are drawn.
const VisibleRows = lazy(() =>
  import("@/components/desk/visible-rows").then((m) => ({ default: m.VisibleRows })),
);

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
            <AllRows rows={rows} canReset={canReset} canEditLimits={canEditLimits} />
          ) : (
            <Suspense
              fallback={
                <AllRows
                  rows={rows.slice(0, DRAW_ALL_UP_TO)}
                  canReset={canReset}
                  canEditLimits={canEditLimits}
                />
              }
            >
              <VisibleRows
                rows={rows}
                box={box}
                canReset={canReset}
                canEditLimits={canEditLimits}
              />
            </Suspense>
          )}
        </tbody>
      </table>
    </div>
  );
}

function AllRows({
  rows,
  canReset,
  canEditLimits,
}: {
  rows: readonly MmpRow[];
  canReset: boolean;
  canEditLimits: boolean;
}) {
  return rows.map((row) => (
    <DeskRow key={row.id} row={row} canReset={canReset} canEditLimits={canEditLimits} />
  ));
}
