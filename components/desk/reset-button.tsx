"use client";

import { useRef } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { MmpRow } from "@/lib/model/types";
import {
  mmpKeys,
  newIdempotencyKey,
  postReset,
  snapshotQueryOptions,
  withRow,
} from "@/lib/client/queries";
import {
  describeResetError,
  describeResetResult,
  type ResetOutcomeKind,
} from "@/lib/client/reset-outcome";

const OUTCOME_LOOK: Record<ResetOutcomeKind, { icon: string; className: string }> = {
  done: { icon: "✓", className: "text-emerald-300" },
  failed: { icon: "✕", className: "text-rose-300" },
  unknown: { icon: "?", className: "text-amber-200" },
};

// Mounted for every row while the user may reset (not only frozen ones): a successful reset turns
// the row active at once, and the outcome must stay on screen after the button goes away.
export function ResetButton({ row }: { row: MmpRow }) {
  const queryClient = useQueryClient();
  // `disabled` only takes effect after React re-renders; two clicks can land before that. The
  // ref is set synchronously in the handler, so one reset is sent per click-while-idle, never two.
  const inFlight = useRef(false);
  const mutation = useMutation({
    mutationFn: postReset,
    // Never retried automatically: a lost answer is reported as unknown, for a human to judge.
    retry: 0,
    onSuccess: (result) => {
      const fresh = result.row;
      if (!fresh) return;
      const { queryKey } = snapshotQueryOptions();
      // Keep the snapshot's timestamp: one re-read row does not make the rest of the desk fresh.
      const updatedAt = queryClient.getQueryState(queryKey)?.dataUpdatedAt;
      queryClient.setQueryData(queryKey, (old) => (old ? withRow(old, fresh) : undefined), {
        updatedAt,
      });
    },
    onSettled: () => {
      inFlight.current = false;
      void queryClient.invalidateQueries({ queryKey: mmpKeys.all });
    },
  });

  const pending = mutation.isPending;
  const view = mutation.isSuccess
    ? describeResetResult(mutation.data)
    : mutation.isError
      ? describeResetError(mutation.error)
      : null;
  if (row.status !== "frozen" && !pending && view === null) return null;

  const target = `${row.scope} on ${row.accountLabel}`;
  // The server would refuse it (venue ban, rate-limit stop, account degraded): say why instead.
  const blocked = !pending && row.resetBlocked ? row.resetBlocked : null;
  const onClick = () => {
    if (inFlight.current || blocked) return;
    inFlight.current = true;
    mutation.mutate({
      accountId: row.accountId,
      scope: row.scope,
      idempotencyKey: newIdempotencyKey(),
    });
  };

  return (
    <div className="flex min-w-28 flex-1 flex-col items-start gap-1">
      {(row.status === "frozen" || pending) && (
        <button
          type="button"
          onClick={onClick}
          disabled={pending || blocked !== null}
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
