"use client";

import type { MmpRow } from "@/lib/mmp/types";
import { DeskRow } from "@/components/desk/desk-row";

const COLUMNS = [
  { label: "Venue" },
  { label: "Account" },
  { label: "Scope" },
  { label: "Status" },
  { label: "Frozen until" },
  { label: "Window" },
  { label: "Frozen period" },
  { label: "Qty limit", numeric: true },
  { label: "Delta limit", numeric: true },
  { label: "Vega limit", numeric: true },
  { label: "Last trigger (UTC)" },
  { label: "Data age" },
  { label: "Action" },
] as const;

/** `rows` must already be filtered and sorted (see sort-rows.ts); this only renders. */
export function DeskTable({ rows, canReset }: { rows: readonly MmpRow[]; canReset: boolean }) {
  return (
    // The region scrolls on its own so the header can stick; it is focusable so keyboard users
    // can scroll it too, and named so screen readers announce what it holds.
    <div
      role="region"
      aria-labelledby="desk-table-caption"
      tabIndex={0}
      className="max-h-[calc(100dvh-13rem)] min-h-48 overflow-auto rounded-md border border-slate-800 focus-visible:outline-2 focus-visible:outline-sky-400"
    >
      <table className="w-full border-collapse text-sm tabular-nums">
        <caption id="desk-table-caption" className="sr-only">
          MMP state per account and scope, frozen rows first
        </caption>
        <thead className="sticky top-0 z-10 bg-slate-900 text-xs text-slate-300 shadow-[0_1px_0_var(--color-slate-700)]">
          <tr>
            {COLUMNS.map((col) => (
              <th
                key={col.label}
                scope="col"
                className={`px-3 py-2 font-semibold whitespace-nowrap ${"numeric" in col ? "text-right" : "text-left"}`}
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
          ) : (
            rows.map((row) => <DeskRow key={row.id} row={row} canReset={canReset} />)
          )}
        </tbody>
      </table>
    </div>
  );
}
