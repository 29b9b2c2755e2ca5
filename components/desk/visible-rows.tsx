"use client";

import type { RefObject } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { MmpRow } from "@/lib/model/types";
import { DeskRow } from "@/components/desk/desk-row";

/** A one-line row's height in px, the estimate before a row has been measured. */
const ROW_PX = 37;

/** The rows in and near the table's view, between two spacer rows that keep the scroll height
 * (and so the scrollbar) that of the whole table. Rows are measured once drawn: a row whose
 * problem text wraps is taller. */
export function VisibleRows({
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
