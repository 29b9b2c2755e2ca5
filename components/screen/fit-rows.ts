import type { MmpRow, MmpStatus } from "@/lib/model/types";

// How many rows the wall shows: a 1080p display fits 15 lines of two rows at a size readable
// from across the room. Rows arrive sorted (frozen, unknown, active, disabled), so what does not
// fit is the least urgent, and it is counted by status instead of silently cut.
export const WALL_MAX_ROWS = 30;

export interface FittedRows {
  shown: readonly MmpRow[];
  /** Rows left out, counted by status (zero counts omitted). */
  rest: { total: number; byStatus: Partial<Record<MmpStatus, number>> };
}

export function fitRows(sorted: readonly MmpRow[], max = WALL_MAX_ROWS): FittedRows {
  if (sorted.length <= max) return { shown: sorted, rest: { total: 0, byStatus: {} } };
  // One slot goes to the "N more" tile.
  const shown = sorted.slice(0, max - 1);
  const byStatus: Partial<Record<MmpStatus, number>> = {};
  for (const row of sorted.slice(max - 1)) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
  return { shown, rest: { total: sorted.length - shown.length, byStatus } };
}
