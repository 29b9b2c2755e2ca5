import { isFreeze } from "@/lib/model/row-status";
import type { MmpRow, MmpStatus } from "@/lib/model/types";

// How many rows the wall shows: as many as the display has room for (use-row-capacity.ts) at a
// size readable from across the room. Rows arrive sorted (frozen, unknown, active, disabled), so what does not
// fit is the least urgent, and it is counted by status instead of silently cut.
export const WALL_MAX_ROWS = 30;

export interface FittedRows {
  shown: readonly MmpRow[];
  /** Rows left out, counted by status (zero counts omitted). */
  rest: { total: number; byStatus: Partial<Record<MmpStatus, number>> };
}

export function fitRows(sorted: readonly MmpRow[], max = WALL_MAX_ROWS): FittedRows {
  if (sorted.length <= max) return { shown: sorted, rest: { total: 0, byStatus: {} } };
  // One slot goes to the "N more" tile; frozen rows are all shown even past it.
  const shown = sorted.slice(0, Math.max(max - 1, sorted.filter(isFreeze).length));
  const byStatus: Partial<Record<MmpStatus, number>> = {};
  for (const row of sorted.slice(shown.length))
    byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
  return { shown, rest: { total: sorted.length - shown.length, byStatus } };
}
