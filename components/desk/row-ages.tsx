"use client";

import { createContext, useContext, useSyncExternalStore } from "react";
import type { MmpRow } from "@/lib/model/types";

// The server re-reads every account every few seconds, so nearly every poll brings a new
// `fetchedAt` for nearly every row even when nothing else changed. Passing it through the row
// would re-render all 1,000 memoised rows per poll (measured: ~10x the cost of a clock tick).
// Instead the rows ignore `fetchedAt` and the data-age cells read it from this store, so a poll
// re-renders one small cell per row and whole rows only when something visible changed.
export interface RowAgesStore {
  subscribe: (listener: () => void) => () => void;
  /** undefined when the row is not in the snapshot. */
  get: (rowId: string) => number | null | undefined;
  update: (rows: readonly MmpRow[]) => void;
}

export function createRowAgesStore(rows: readonly MmpRow[]): RowAgesStore {
  const index = (list: readonly MmpRow[]) => new Map(list.map((r) => [r.id, r.fetchedAt] as const));
  let values = index(rows);
  const listeners = new Set<() => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: (rowId) => values.get(rowId),
    update(next) {
      values = index(next);
      for (const listener of listeners) listener();
    },
  };
}

export const RowAgesContext = createContext<RowAgesStore | null>(null);

/** The row's latest fetchedAt; `fallback` (the row's own value) outside a store. */
export function useRowFetchedAt(rowId: string, fallback: number | null): number | null {
  const store = useContext(RowAgesContext);
  const read = () => {
    const value = store?.get(rowId);
    return value === undefined ? fallback : value;
  };
  return useSyncExternalStore(store?.subscribe ?? subscribeNothing, read, read);
}

const subscribeNothing = () => () => {};
