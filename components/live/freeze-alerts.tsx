"use client";

import { useSyncExternalStore } from "react";
import type { AlertStore, FreezeAlert } from "@/lib/client/alert-store";
import { StatusIcon } from "@/components/desk/status-badge";
import { LocalTimeTitle } from "@/components/desk/utc-time";
import { formatUtcTime } from "@/lib/model/format";

type Size = "desk" | "wall";

const LOOK: Record<
  Size,
  { box: string; text: string; icon: string; older: string; button: string }
> = {
  desk: {
    box: "gap-3 rounded-md border-2 border-rose-300 px-3 py-2",
    text: "text-base font-bold",
    icon: "size-5",
    older: "text-sm",
    button: "px-2 py-0.5 text-xs",
  },
  wall: {
    box: "gap-5 rounded-lg border-4 border-rose-200 px-6 py-3",
    text: "text-5xl font-black tracking-tight",
    icon: "size-12",
    older: "text-2xl",
    button: "px-3 py-1 text-lg",
  },
};

// The newest freeze flashes (1 Hz for ten seconds, then stays lit: well under the three flashes a
// second that can trigger seizures; no flashing at all with prefers-reduced-motion, see
// globals.css) and is announced once through its own alert region; earlier ones stay listed,
// quietly, until dismissed.
export function FreezeAlerts({ store, size = "desk" }: { store: AlertStore; size?: Size }) {
  const alerts = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const recent = useSyncExternalStore(store.subscribe, store.getRecent, store.getRecent);
  const [newest, ...older] = alerts;
  const look = LOOK[size];
  return (
    <section aria-label="Freeze alerts" className="flex flex-col gap-1 empty:hidden">
      <div role="alert" className="empty:hidden">
        {newest && (
          // Keyed by alert, so a new freeze restarts the flash.
          <div
            key={newest.id}
            data-testid="freeze-alert"
            className={`freeze-flash flex items-center justify-between bg-rose-950 text-white ${look.box}`}
          >
            <p className={`flex items-center gap-3 ${look.text}`}>
              <StatusIcon status="frozen" className={`${look.icon} shrink-0`} />
              <LocalTimeTitle ms={newest.at}>{newest.text}</LocalTimeTitle>
            </p>
            <DismissButton alert={newest} store={store} className={look.button} />
          </div>
        )}
      </div>
      {older.length > 0 && (
        <div className={`flex flex-wrap items-center gap-x-4 gap-y-1 text-rose-100 ${look.older}`}>
          <h2 className="font-semibold">Earlier freezes:</h2>
          <ul className="flex flex-wrap gap-x-4 gap-y-1">
            {older.map((a) => (
              <li key={a.id} className="flex items-center gap-2">
                <LocalTimeTitle ms={a.at}>{a.text}</LocalTimeTitle>
                <DismissButton alert={a} store={store} className={look.button} />
              </li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => store.dismissAll()}
            className={`rounded border border-rose-300/60 hover:bg-rose-900 ${look.button}`}
          >
            Dismiss all
          </button>
        </div>
      )}
      {recent.length > 0 && (
        // Quiet on purpose: these freezes are over. Not a live region (nothing to announce).
        <p className={`text-slate-400 ${size === "wall" ? "text-xl" : "text-xs"}`}>
          <span className="font-semibold">Ended: </span>
          {recent
            .map(
              (a) =>
                `${a.scope} on ${a.accountLabel} (frozen ${formatUtcTime(a.at, a.at)}, ended ${formatUtcTime(a.endedAt, a.endedAt)} UTC)`,
            )
            .join(" · ")}
        </p>
      )}
    </section>
  );
}

function DismissButton({
  alert,
  store,
  className,
}: {
  alert: FreezeAlert;
  store: AlertStore;
  className: string;
}) {
  return (
    <button
      type="button"
      onClick={() => store.dismiss(alert.id)}
      aria-label={`Dismiss alert ${alert.text}`}
      className={`shrink-0 rounded border border-rose-200/70 font-semibold text-rose-50 hover:bg-rose-900 ${className}`}
    >
      Dismiss
    </button>
  );
}
