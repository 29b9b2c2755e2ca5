"use client";

import { useLayoutEffect, useMemo, useState, useSyncExternalStore } from "react";
import type { DeskSnapshot, MmpRow } from "@/lib/model/types";
import { ServerClockContext, useServerClockValue } from "@/components/desk/server-clock";
import { sortRows } from "@/lib/model/sort-rows";
import {
  DeskFilters,
  filtersFromUrl,
  filtersToQuery,
  matchesFilters,
  type DeskFilterValues,
} from "@/components/desk/desk-filters";
import { useSearchParams } from "next/navigation";
import dynamic from "next/dynamic";
import { StaleBanner } from "@/components/desk/stale-banner";
import { RowAgesContext, createRowAgesStore } from "@/components/desk/row-ages";
import { StaleAfterContext } from "@/lib/client/use-stale-rows";
import { DeskTable } from "@/components/desk/desk-table";
import { useHeldOrder } from "@/lib/client/use-held-order";
import { wasFrozen } from "@/lib/model/row-status";
import { resetHold, subscribeResetActivity } from "@/lib/client/reset-activity";
import { useLiveDesk } from "@/lib/client/use-live-desk";
import { useDeskView } from "@/lib/client/use-desk-view";
import { LiveBanners } from "@/components/live/live-banners";
import { ConnectionBadge, badgeState } from "@/components/live/connection-badge";
import { FreezeAlerts } from "@/components/live/freeze-alerts";
import { AlertControls } from "@/components/live/alert-controls";
import { FreezeChart } from "@/components/history/freeze-chart";
import {
  OpenHistoryContext,
  RowHistoryDialog,
  type HistoryTarget,
} from "@/components/history/row-history";
import { OpenEditLimitsContext } from "@/components/limits/edit-limits-button";

// The limits form validates with the server's own schema (and so brings zod): it loads on the
// first "Edit limits", which keeps the desk's own bundle as light as it was.
const EditLimitsDialog = dynamic(
  () => import("@/components/limits/edit-limits-dialog").then((m) => m.EditLimitsDialog),
  { ssr: false },
);

export function Desk({
  initialSnapshot,
  canReset,
  canEditLimits,
}: {
  initialSnapshot: DeskSnapshot;
  canReset: boolean;
  canEditLimits: boolean;
}) {
  const live = useLiveDesk(initialSnapshot);
  const { snapshot: data, dataUpdatedAt, error, isFetching, connection, alerts } = live;
  // Filters live in the URL (bookmarkable, kept across a reload); the state mirrors it.
  const searchParams = useSearchParams();
  const [filters, setFilterState] = useState<DeskFilterValues>(() => filtersFromUrl(searchParams));
  const setFilters = (next: DeskFilterValues) => {
    setFilterState(next);
    window.history.replaceState(null, "", `${window.location.pathname}${filtersToQuery(next)}`);
  };
  const [history, setHistory] = useState<HistoryTarget | null>(null);
  const [editing, setEditing] = useState<MmpRow | null>(null);

  // serverTime paired with the moment this snapshot landed in the cache gives the browser's
  // clock offset (see server-clock.tsx). Writers of single rows keep both, so the pair holds.
  const clock = useServerClockValue(data.serverTime, dataUpdatedAt);
  const [ages] = useState(() => createRowAgesStore(data.rows));
  // Before paint, so an age never shows next to a row from a different snapshot.
  useLayoutEffect(() => ages.update(data.rows), [ages, data.rows]);
  // Stale rows become UNKNOWN here, before filtering and sorting, so a filter for "active" can
  // never list a row nobody can vouch for.
  const view = useDeskView(live, clock.offsetMs);

  const accounts = useMemo(() => {
    const byLabel = [...data.rows].sort((a, b) => a.accountLabel.localeCompare(b.accountLabel));
    return new Map(byLabel.map((r) => [r.accountId, r.accountLabel] as const));
  }, [data.rows]);

  const visible = useMemo(
    () => sortRows(view.rows.filter((r) => matchesFilters(r, filters))),
    [view.rows, filters],
  );
  // Rows never move under the pointer: while it (or keyboard focus) is on the table, a reset is
  // pending, or one just settled, each row keeps its place and changes in place; the sort order
  // returns when that ends. Without this, a reset re-sorts its row away and the next frozen row's
  // Reset button slides under the pointer for the second click of a double click.
  const [pointerIn, setPointerIn] = useState(false);
  const [focusIn, setFocusIn] = useState(false);
  const resetsHold = useSyncExternalStore(subscribeResetActivity, resetHold, () => false);
  const held = useHeldOrder(visible, pointerIn || focusIn || resetsHold, view.rows);
  const frozenTotal = useMemo(
    () => view.rows.filter((r) => r.status === "frozen").length,
    [view.rows],
  );
  const frozenShown = visible.filter((r) => r.status === "frozen").length;
  // Frozen when last read, stale now: still freezes as far as anyone knows (issue 13).
  const frozenStale = useMemo(() => view.rows.filter(wasFrozen).length, [view.rows]);
  // A filter must never hide that something is frozen elsewhere.
  const frozenHidden = frozenTotal - frozenShown;

  return (
    <ServerClockContext value={clock}>
      <RowAgesContext value={ages}>
        <StaleAfterContext value={view.staleAfterMs}>
          <OpenHistoryContext value={setHistory}>
            <section aria-label="MMP desk" className="flex flex-col gap-3">
              <FreezeAlerts store={alerts} />
              <LiveBanners warnings={view.warnings} refMs={clock.dayRefMs} />
              <StaleBanner
                error={error}
                dataUpdatedAt={dataUpdatedAt}
                serverTime={data.serverTime}
                fetching={isFetching}
              />
              <div className="flex flex-wrap items-center justify-between gap-3">
                <FreezeChart />
                <div className="flex flex-wrap items-center gap-3">
                  <AlertControls store={alerts} />
                  <ConnectionBadge state={badgeState(connection.state, view.staleCount)} />
                </div>
              </div>
              <div className="flex flex-wrap items-end justify-between gap-3">
                <DeskFilters value={filters} onChange={setFilters} accounts={accounts} />
                <p role="status" className="text-sm text-slate-300 tabular-nums">
                  {visible.length} of {data.rows.length} rows shown ·{" "}
                  {data.totalRows !== undefined && data.totalRows > data.rows.length && (
                    <span className="text-slate-400">
                      (loading {data.totalRows - data.rows.length} more…) ·{" "}
                    </span>
                  )}
                  <span className={frozenShown > 0 ? "font-semibold text-rose-200" : undefined}>
                    {frozenShown} frozen
                  </span>
                  {frozenStale > 0 && (
                    <span className="font-semibold text-amber-200">
                      {" "}
                      · {frozenStale} frozen when last read (stale)
                    </span>
                  )}
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
              <p role="status" className="-mb-2 min-h-5 text-xs text-sky-200">
                {held.moved > 0
                  ? `Order held while you work on the table: ${held.moved} row${held.moved === 1 ? "" : "s"} will move when the pointer leaves it.`
                  : ""}
              </p>
              <OpenEditLimitsContext value={setEditing}>
                <DeskTable
                  rows={held.rows}
                  canReset={canReset}
                  canEditLimits={canEditLimits}
                  pointer={{
                    onEnter: () => setPointerIn(true),
                    onLeave: () => setPointerIn(false),
                  }}
                  focus={{ onEnter: () => setFocusIn(true), onLeave: () => setFocusIn(false) }}
                />
              </OpenEditLimitsContext>
            </section>
            <RowHistoryDialog target={history} onClose={() => setHistory(null)} />
            {canEditLimits && editing ? (
              <EditLimitsDialog row={editing} onClose={() => setEditing(null)} />
            ) : null}
          </OpenHistoryContext>
        </StaleAfterContext>
      </RowAgesContext>
    </ServerClockContext>
  );
}
