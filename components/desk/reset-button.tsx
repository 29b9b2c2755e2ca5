"use client";

import { useSyncExternalStore } from "react";
import type { MmpRow } from "@/lib/model/types";
import type { ResetOutcomeKind } from "@/lib/client/reset-outcome";
import { useResetMutation } from "@/lib/client/use-reset-mutation";

const OUTCOME_LOOK: Record<ResetOutcomeKind, { icon: string; className: string }> = {
  done: { icon: "✓", className: "text-emerald-300" },
  failed: { icon: "✕", className: "text-rose-300" },
  unknown: { icon: "?", className: "text-amber-200" },
};

const noSubscription = () => () => undefined;

/** False in the server's HTML and during hydration, true once React handles clicks: a click on
 * a button that is not wired up yet would be lost without a word, so until then it is disabled. */
const useHydrated = () =>
  useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

// Mounted for every row while the user may reset (not only frozen ones): a successful reset turns
// the row active at once, and the outcome must stay on screen after the button goes away.
export function ResetButton({ row }: { row: MmpRow }) {
  const { start, pending, outcome: view } = useResetMutation();
  const hydrated = useHydrated();
  if (row.status !== "frozen" && !pending && view === null) return null;

  const target = `${row.scope} on ${row.accountLabel}`;
  // The server would refuse it (venue ban, rate-limit stop, account degraded): say why instead.
  const blocked = !pending && row.resetBlocked ? row.resetBlocked : null;
  const onClick = () => {
    if (!blocked) start(row);
  };

  return (
    <div className="flex min-w-28 flex-1 flex-col items-start gap-1">
      {(row.status === "frozen" || pending) && (
        <button
          type="button"
          onClick={onClick}
          disabled={!hydrated || pending || blocked !== null}
          aria-busy={pending}
          aria-label={`${pending ? "Resetting" : "Reset"} ${target}${blocked ? " (unavailable)" : ""}`}
          aria-describedby={blocked ? `${row.id}-blocked` : undefined}
          title={blocked ?? undefined}
          className="rounded bg-rose-600 px-2.5 py-1 text-xs font-semibold text-white shadow-sm hover:bg-rose-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-300 disabled:cursor-not-allowed disabled:bg-slate-700 disabled:text-slate-200"
        >
          {pending ? "Resetting…" : "Reset"}
        </button>
      )}
      {blocked && (
        <p id={`${row.id}-blocked`} className="max-w-56 text-xs text-amber-200">
          Reset unavailable: {blocked}
        </p>
      )}
      <p role="status" aria-live="polite" className="max-w-56 text-xs">
        {pending && <span className="sr-only">Resetting {target}…</span>}
        {view && (
          <>
            <span className={`font-medium ${OUTCOME_LOOK[view.kind].className}`}>
              <span aria-hidden="true">{OUTCOME_LOOK[view.kind].icon} </span>
              {view.text}
            </span>
            {view.detail && <span className="block text-slate-400">{view.detail}</span>}
          </>
        )}
      </p>
    </div>
  );
}
