"use client";

import { createContext, useContext, useEffect, useRef } from "react";
import { useQuery } from "@tanstack/react-query";
import { LimitEvents } from "@/components/history/limit-events";
import type { MmpRow } from "@/lib/model/types";
import { rowHistoryQueryOptions } from "@/lib/client/history-queries";
import { UtcTime } from "@/components/desk/utc-time";
import { useServerClock, useServerNow } from "@/components/desk/server-clock";
import { FreezeTimeline } from "@/components/history/freeze-timeline";
import { endedByText, lastedText } from "@/lib/client/history-format";
import { useHydrated } from "@/lib/client/use-hydrated";

export interface HistoryTarget {
  rowId: string;
  scope: string;
  accountLabel: string;
}

// Rows open the panel through a context instead of a prop, so the memoised desk rows do not
// re-render when the opener changes (it never does: it is a state setter).
export const OpenHistoryContext = createContext<(target: HistoryTarget) => void>(() => {});

export function HistoryButton({ row }: { row: MmpRow }) {
  const open = useContext(OpenHistoryContext);
  const hydrated = useHydrated();
  return (
    <button
      type="button"
      onClick={() => open({ rowId: row.id, scope: row.scope, accountLabel: row.accountLabel })}
      disabled={!hydrated}
      aria-label={`History ${row.scope} on ${row.accountLabel}`}
      className="rounded border border-slate-600 px-2 py-0.5 text-xs text-slate-200 hover:bg-slate-800 disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-sky-400"
    >
      History
    </button>
  );
}

// A native modal <dialog>: focus moves in and back, Escape closes it, the page behind is inert,
// all without a dialog library.
export function RowHistoryDialog({
  target,
  onClose,
}: {
  target: HistoryTarget | null;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (target && !dialog.open) dialog.showModal();
    if (!target && dialog.open) dialog.close();
  }, [target]);
  const title = target ? `Trigger history: ${target.scope} on ${target.accountLabel}` : "";
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-label={title}
      className="m-auto w-[min(56rem,95vw)] rounded-lg border border-slate-700 bg-slate-900 p-0 text-slate-100 backdrop:bg-black/70"
    >
      {target && (
        <div className="flex flex-col gap-3 p-4">
          <div className="flex items-center justify-between gap-4">
            <h2 className="text-lg font-semibold">{title}</h2>
            <button
              type="button"
              onClick={onClose}
              className="rounded border border-slate-600 px-2 py-1 text-sm hover:bg-slate-800"
            >
              Close
            </button>
          </div>
          <HistoryTable rowId={target.rowId} />
        </div>
      )}
    </dialog>
  );
}

function HistoryTable({ rowId }: { rowId: string }) {
  const { data, error, isPending } = useQuery(rowHistoryQueryOptions(rowId));
  const now = useServerNow();
  const { dayRefMs } = useServerClock();
  if (isPending) return <p className="text-sm text-slate-300">Loading…</p>;
  if (error) {
    return (
      <p role="alert" className="text-sm text-amber-200">
        History unavailable: {error.message}
      </p>
    );
  }
  const timeline =
    now === null ? null : <FreezeTimeline events={data.events} now={now} refMs={dayRefMs} />;
  if (data.events.length === 0) {
    return (
      <>
        {timeline}
        <p className="text-sm text-slate-300">No freezes recorded for this row.</p>
        <LimitEvents events={data.limitEvents ?? []} />
      </>
    );
  }
  const cell = "px-2 py-1.5 text-left align-top";
  return (
    <>
      {timeline}
      <div className="max-h-[50vh] overflow-auto">
        <table className="w-full border-collapse text-sm tabular-nums">
          <caption className="sr-only">Last {data.events.length} freezes, newest first</caption>
          <thead className="sticky top-0 bg-slate-900 text-xs text-slate-300">
            <tr>
              <th scope="col" className={cell}>
                Frozen at (UTC)
              </th>
              <th scope="col" className={cell}>
                Frozen until (UTC)
              </th>
              <th scope="col" className={cell}>
                How long
              </th>
              <th scope="col" className={cell}>
                Ended by
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-800">
            {data.events.map((e) => (
              <tr key={e.id}>
                <td className={cell}>
                  <UtcTime ms={e.frozenAt} />
                </td>
                <td className={cell}>
                  <UtcTime ms={e.frozenUntil} empty="until manual reset" />
                </td>
                <td className={cell}>{lastedText(e, now)}</td>
                <td
                  className={`${cell} ${e.endedAt === null ? "font-semibold text-rose-200" : ""}`}
                >
                  {endedByText(e)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LimitEvents events={data.limitEvents ?? []} />
    </>
  );
}
