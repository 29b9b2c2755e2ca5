"use client";

import { useState } from "react";

export interface HeldOrder<T> {
  rows: readonly T[];
  /** Rows not where the current sort would put them (0 when not held). */
  moved: number;
}

/**
 * The order rows were last shown in, kept while `hold` is true: each row keeps its place and
 * shows its new data in place (a row that froze says FROZEN where it is; a reset row that no
 * longer matches a "Frozen" filter stays until the hold ends, taken from `all`), rows that
 * appeared are added at the end, rows that left the desk drop out. When the hold ends, the sorted
 * order returns. Pure apart from the remembered order, so it is tested without React.
 */
export function holdOrder<T extends { id: string }>(
  sorted: readonly T[],
  previous: readonly string[] | null,
  hold: boolean,
  all: readonly T[] = sorted,
): { rows: readonly T[]; order: string[]; moved: number } {
  if (!hold || previous === null) return { rows: sorted, order: sorted.map((r) => r.id), moved: 0 };
  const byId = new Map([...all, ...sorted].map((r) => [r.id, r] as const));
  const kept = previous.filter((id) => byId.has(id));
  const known = new Set(kept);
  const order = [...kept, ...sorted.filter((r) => !known.has(r.id)).map((r) => r.id)];
  const rows = order.map((id) => byId.get(id)!);
  const sortedAt = new Map(sorted.map((r, i) => [r.id, i] as const));
  const moved = rows.filter((r, i) => sortedAt.get(r.id) !== i).length;
  return { rows, order, moved };
}

export function useHeldOrder<T extends { id: string }>(
  sorted: readonly T[],
  hold: boolean,
  all?: readonly T[],
): HeldOrder<T> {
  const [shown, setShown] = useState<string[] | null>(null);
  const { rows, order, moved } = holdOrder(sorted, shown, hold, all);
  // Remember what this render shows, so the next one can hold exactly it (React's pattern for
  // information from earlier renders: set during render, only when it changed).
  if (shown === null || shown.length !== order.length || shown.some((id, i) => id !== order[i]))
    setShown(order);
  return { rows, moved };
}
