"use client";

import { useEffect, useRef, type MouseEvent } from "react";
import type { MmpRow } from "@/lib/model/types";
import type { ResetOutcomeKind } from "@/lib/client/reset-outcome";
import { useResetMutation } from "@/lib/client/use-reset-mutation";
import { acceptResetClick } from "@/lib/client/reset-activity";
import { frozeAgain } from "@/lib/model/row-status";
import { useHydrated } from "@/lib/client/use-hydrated";

const OUTCOME_LOOK: Record<ResetOutcomeKind, { icon: string; className: string }> = {
  done: { icon: "✓", className: "text-emerald-300" },
  failed: { icon: "✕", className: "text-rose-300" },
  unknown: { icon: "?", className: "text-amber-200" },
};

// Mounted for every row while the user may reset (not only frozen ones): a successful reset turns
// the row active at once, and the outcome must stay on screen after the button goes away.
export function ResetButton({ row }: { row: MmpRow }) {
  const { start, pending, outcome: last, answeredAt, startBefore } = useResetMutation();
  // A "Reset done" from before the row froze again is old news: it is not shown beside the new
  // freeze (issue 13).
  const refrozen = !pending && answeredAt !== null && frozeAgain(row, answeredAt, startBefore);
  const view = refrozen ? null : last;
  const hydrated = useHydrated();
  const showButton = row.status === "frozen" || pending;
  // Keyboard users keep their place: when the focused button goes away (the row turned ACTIVE),
  // focus moves to the outcome beside it instead of dropping to the page.
  const hadFocus = useRef(false);
  const outcomeRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (showButton || !hadFocus.current) return;
    hadFocus.current = false;
    const active = document.activeElement;
    if (active === null || active === document.body) outcomeRef.current?.focus();
  }, [showButton]);
  if (!showButton && view === null) return null;

  const target = `${row.scope} on ${row.accountLabel}`;
  // The server would refuse it (venue ban, rate-limit stop, account degraded): say why instead.
  const blocked = !pending && row.resetBlocked ? row.resetBlocked : null;
  const onClick = (e: MouseEvent<HTMLButtonElement>) => {
    // The second click of a double click is dropped, whichever row's button it lands on.
    const click = { detail: e.detail, x: e.clientX, y: e.clientY };
    if (!blocked && acceptResetClick(click)) start(row);
  };

  return (
    <div className="flex min-w-28 flex-1 flex-col items-start gap-1">
      {showButton && (
        <button
          type="button"
          onClick={onClick}
          onFocus={() => (hadFocus.current = true)}
          onBlur={(e) => {
            // Chromium blurs a focused button as it is removed (relatedTarget null): that is the
            // case handled above, so only a move to another element forgets the focus.
            if (e.relatedTarget !== null) hadFocus.current = false;
          }}
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
      <p
        ref={outcomeRef}
        tabIndex={-1}
        role="status"
        aria-live="polite"
        className="max-w-56 text-xs focus-visible:outline-2 focus-visible:outline-sky-300"
      >
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
