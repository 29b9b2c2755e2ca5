"use client";

import { useEffect, useId, useRef } from "react";
import { useQuery } from "@tanstack/react-query";
import type { MmpRow } from "@/lib/model/types";
import { currentLimitsQueryOptions } from "@/lib/client/limits-queries";
import { LimitsForm } from "@/components/limits/limits-form";

// Mounted only while open (the desk unmounts it on close), so every opening starts from the row
// as it is then. A native modal <dialog>: focus moves in and back, Escape closes it, the desk
// behind is inert.
export function EditLimitsDialog({ row, onClose }: { row: MmpRow; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const current = useQuery(currentLimitsQueryOptions(row.accountId, row.scope));
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby={titleId}
      className="m-auto w-[min(48rem,95vw)] rounded-lg border border-slate-700 bg-slate-900 p-0 text-slate-100 backdrop:bg-black/70"
    >
      <div className="flex flex-col gap-3 p-4">
        <div className="flex items-center justify-between gap-4">
          <h2 id={titleId} className="text-lg font-semibold">
            Edit limits: {row.scope} on {row.accountLabel}
          </h2>
          {/* close() rather than unmounting at once: the dialog then hands focus back to the
              button that opened it. */}
          <button
            type="button"
            onClick={() => ref.current?.close()}
            className="rounded border border-slate-600 px-2 py-1 text-sm hover:bg-slate-800"
          >
            Close
          </button>
        </div>
        {current.isPending ? (
          <p role="status" className="text-sm text-slate-300">
            Reading the venue&apos;s limits…
          </p>
        ) : (
          <>
            {current.isError ? (
              // Not a reason to stop: the form starts from the desk's last read, and the server
              // compares with the venue itself when the change is requested.
              <p className="text-sm text-amber-200">
                Could not read the venue now ({current.error.message}); starting from the
                desk&apos;s last read.
              </p>
            ) : null}
            <LimitsForm row={row} venueLimits={current.data ?? null} />
          </>
        )}
      </div>
    </dialog>
  );
}
