import { sortRows } from "@/lib/model/sort-rows";
import type { DeskSnapshot } from "@/lib/model/types";

// The desk's first HTML carries every row that needs a human (frozen, unknown) and then enough
// others to fill a screen; the live stream's first message brings the full desk a moment later.
// A 1,000-row desk otherwise sends ~2 MB of HTML plus the same rows again as page data, and the
// first paint waits for all of it.
const FIRST_PAINT_ROWS = 120;

export function firstPaint(snapshot: DeskSnapshot, limit = FIRST_PAINT_ROWS): DeskSnapshot {
  if (snapshot.rows.length <= limit) return snapshot;
  const sorted = sortRows(snapshot.rows);
  const urgent = sorted.filter((r) => r.status === "frozen" || r.status === "unknown");
  const rows = urgent.length >= limit ? urgent : sorted.slice(0, limit);
  return { ...snapshot, rows, totalRows: snapshot.rows.length };
}
