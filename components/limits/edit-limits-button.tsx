"use client";

import { createContext, useContext } from "react";
import type { MmpRow } from "@/lib/model/types";
import { useHydrated } from "@/lib/client/use-hydrated";

// Rows open the dialog through a context, as they do History, so the memoised desk rows never
// re-render for it (the opener is a state setter and never changes).
export const OpenEditLimitsContext = createContext<(row: MmpRow) => void>(() => {});

export function EditLimitsButton({ row }: { row: MmpRow }) {
  const open = useContext(OpenEditLimitsContext);
  const hydrated = useHydrated();
  return (
    <button
      type="button"
      onClick={() => open(row)}
      disabled={!hydrated}
      aria-haspopup="dialog"
      title={`Edit the MMP limits of ${row.scope} on ${row.accountLabel}`}
      className="rounded border border-slate-600 px-2 py-0.5 text-xs text-slate-200 hover:bg-slate-800 disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-sky-400"
    >
      Edit limits
    </button>
  );
}
