"use client";

import { useMemo, useRef } from "react";
import type { DeskSnapshot, MmpStatus } from "@/lib/model/types";
import type { CurrentUser } from "@/lib/model/roles";
import { ServerClockContext, useServerClockValue } from "@/components/desk/server-clock";
import { STATUS_LABELS } from "@/components/desk/status-badge";
import { sortRows } from "@/lib/model/sort-rows";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { useLiveDesk } from "@/lib/client/use-live-desk";
import { useDeskView } from "@/lib/client/use-desk-view";
import { LiveBanners } from "@/components/live/live-banners";
import { FreezeAlerts } from "@/components/live/freeze-alerts";
import { AlertControls } from "@/components/live/alert-controls";
import { ConnectionBadge, badgeState } from "@/components/live/connection-badge";
import { isFreeze, wasFrozen } from "@/lib/model/row-status";
import { LastUpdate, ScreenClock } from "@/components/screen/screen-clock";
import { ScreenRow } from "@/components/screen/screen-row";
import { WakeLockStatus } from "@/components/screen/wake-lock";
import { WALL_MAX_ROWS, fitRows } from "@/components/screen/fit-rows";
import { useRowCapacity } from "@/components/screen/use-row-capacity";

const ORDER: MmpStatus[] = ["frozen", "unknown", "active", "disabled"];
// Venue warnings beyond this many are counted, not listed: the rows must stay on screen.
const WALL_MAX_WARNINGS = 3;

// The wall display: read-only for every role (no reset button and no reset code is imported
// here), large and dark, frozen rows first, and loud about anything that makes the data doubtful.
export function Screen({
  initialSnapshot,
  user,
}: {
  initialSnapshot: DeskSnapshot;
  user: CurrentUser;
}) {
  const live = useLiveDesk(initialSnapshot);
  const { snapshot, dataUpdatedAt, connection, alerts } = live;
  const clock = useServerClockValue(snapshot.serverTime, dataUpdatedAt);
  const view = useDeskView(live, clock.offsetMs);
  const sorted = useMemo(() => sortRows(view.rows), [view.rows]);
  const aboveRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const belowRef = useRef<HTMLElement>(null);
  // One column of large rows; only when the freezes alone outnumber its room do they go to two
  // columns of smaller rows (frozen rows are never left out).
  const capacity = useRowCapacity(aboveRef, listRef, belowRef, 1);
  const urgentCount = useMemo(() => sorted.filter(isFreeze).length, [sorted]);
  const compact = capacity !== null && urgentCount > capacity;
  const { shown, rest } = fitRows(sorted, compact ? sorted.length : (capacity ?? WALL_MAX_ROWS));
  const counts = useMemo(() => {
    const c: Record<MmpStatus, number> = { frozen: 0, unknown: 0, active: 0, disabled: 0 };
    for (const row of sorted) c[row.status] += 1;
    return c;
  }, [sorted]);
  // Unknown rows that were frozen when last read: counted as freezes too, marked stale, so the
  // wall never reads "0 FROZEN" in an outage that hides them (issue 13).
  const frozenStale = useMemo(() => sorted.filter(wasFrozen).length, [sorted]);
  const counters = ORDER.flatMap((s) => {
    if (s !== "frozen") return [{ key: s, text: `${counts[s]} ${STATUS_LABELS[s]}`, alarm: false }];
    const out = [];
    if (counts.frozen > 0 || frozenStale === 0)
      out.push({
        key: s,
        text: `${counts.frozen} ${STATUS_LABELS.frozen}`,
        alarm: counts.frozen > 0,
      });
    if (frozenStale > 0)
      out.push({ key: "frozen-stale", text: `${frozenStale} FROZEN (stale)`, alarm: true });
    return out;
  });

  return (
    <ServerClockContext value={clock}>
      <main className="flex min-h-dvh flex-col gap-3 bg-black px-6 py-3 text-white">
        <div ref={aboveRef} className="flex flex-col gap-3">
          <header className="flex items-start justify-between gap-6">
            <div className="flex flex-col gap-2">
              <h1 className="flex items-center gap-4 text-4xl font-black tracking-tight">
                MMP wall screen{" "}
                <ConnectionBadge
                  state={badgeState(connection.state, view.staleCount)}
                  size="wall"
                />
              </h1>
              <LastUpdate serverTime={snapshot.serverTime} pollIntervalMs={view.pollIntervalMs} />
            </div>
            <p
              aria-label="Rows by status"
              className="flex flex-wrap items-center gap-x-6 self-center text-3xl font-bold"
            >
              {counters.map((c) => (
                <span key={c.key} className={c.alarm ? "text-rose-300" : "text-slate-200"}>
                  {c.text}
                </span>
              ))}
            </p>
            <ScreenClock />
          </header>
          <FreezeAlerts store={alerts} size="wall" />
          <LiveBanners
            warnings={view.warnings}
            refMs={clock.dayRefMs}
            size="wall"
            max={WALL_MAX_WARNINGS}
          />
        </div>
        <ul
          ref={listRef}
          aria-label="MMP state, frozen first"
          className={`grid content-start gap-x-4 gap-y-1.5 ${compact ? "grid-cols-2" : "grid-cols-1"}`}
        >
          {shown.map((row) => (
            <ScreenRow key={row.id} row={row} compact={compact} />
          ))}
          {rest.total > 0 && (
            <li className="flex items-center gap-6 rounded-md bg-slate-900 px-5 py-1 text-[2.5rem] leading-tight font-bold text-slate-200">
              {ORDER.filter((s) => rest.byStatus[s])
                .map((s) => `+${rest.byStatus[s]} ${STATUS_LABELS[s]}`)
                .join("  ·  ")}
            </li>
          )}
        </ul>
        <footer
          ref={belowRef}
          className="mt-auto flex flex-wrap items-center justify-between gap-4 text-lg text-slate-400"
        >
          <AlertControls store={alerts} size="wall" />
          <WakeLockStatus />
          <div className="flex items-center gap-3">
            <p>
              Signed in as <span className="font-semibold text-slate-200">{user.username}</span> (
              {user.role})
            </p>
            <SignOutButton />
          </div>
        </footer>
      </main>
    </ServerClockContext>
  );
}
