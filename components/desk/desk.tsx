"use client";

import { useLayoutEffect, useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { DeskSnapshot } from "@/lib/mmp/types";
import { snapshotQueryOptions } from "@/lib/mmp/queries";
import { ServerClockContext, useServerClockValue } from "@/components/desk/server-clock";
import { sortRows } from "@/components/desk/sort-rows";
import {
  DeskFilters,
  NO_FILTERS,
  matchesFilters,
  type DeskFilterValues,
} from "@/components/desk/desk-filters";
import { StaleBanner } from "@/components/desk/stale-banner";
import { RowAgesContext, createRowAgesStore } from "@/components/desk/row-ages";
import { DeskTable } from "@/components/desk/desk-table";

export function Desk({
  initialSnapshot,
  canReset,
}: {
  initialSnapshot: DeskSnapshot;
  canReset: boolean;
}) {
  const { data, dataUpdatedAt, error, isFetching } = useQuery({
    ...snapshotQueryOptions(),
    initialData: initialSnapshot,
  });
  const [filters, setFilters] = useState<DeskFilterValues>(NO_FILTERS);

  // serverTime paired with the moment this snapshot landed in the cache gives the browser's
  // clock offset (see server-clock.tsx). Writers of single rows keep both, so the pair holds.
  const clock = useServerClockValue(data.serverTime, dataUpdatedAt);
  const [ages] = useState(() => createRowAgesStore(data.rows));
  // Before paint, so an age never shows next to a row from a different snapshot.
  useLayoutEffect(() => ages.update(data.rows), [ages, data.rows]);

  const accounts = useMemo(() => {
    const byLabel = [...data.rows].sort((a, b) => a.accountLabel.localeCompare(b.accountLabel));
    return new Map(byLabel.map((r) => [r.accountId, r.accountLabel] as const));
  }, [data.rows]);

  const visible = useMemo(
    () => sortRows(data.rows.filter((r) => matchesFilters(r, filters))),
    [data.rows, filters],
  );
  const frozenTotal = useMemo(
    () => data.rows.filter((r) => r.status === "frozen").length,
    [data.rows],
  );
  const frozenShown = visible.filter((r) => r.status === "frozen").length;
  // A filter must never hide that something is frozen elsewhere.
  const frozenHidden = frozenTotal - frozenShown;

  return (
    <ServerClockContext value={clock}>
      <RowAgesContext value={ages}>
        <section aria-label="MMP desk" className="flex flex-col gap-3">
          <StaleBanner
            error={error}
            dataUpdatedAt={dataUpdatedAt}
            serverTime={data.serverTime}
            fetching={isFetching}
          />
          <div className="flex flex-wrap items-end justify-between gap-3">
            <DeskFilters value={filters} onChange={setFilters} accounts={accounts} />
            <p role="status" className="text-sm text-slate-300 tabular-nums">
              {visible.length} of {data.rows.length} rows shown ·{" "}
              <span className={frozenShown > 0 ? "font-semibold text-rose-200" : undefined}>
                {frozenShown} frozen
              </span>
              {frozenHidden > 0 && (
                <>
                  {" "}
                  <span className="font-semibold text-amber-200">
                    (<span aria-hidden="true">⚠ </span>
                    {frozenHidden} more frozen hidden by filters)
                  </span>
                </>
              )}
            </p>
          </div>
          <DeskTable rows={visible} canReset={canReset} />
        </section>
      </RowAgesContext>
    </ServerClockContext>
  );
}
