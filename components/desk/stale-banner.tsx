"use client";

import { formatUtcTime } from "@/lib/model/format";
import { useNow } from "@/lib/client/use-now";

// Without an answer for this long the desk is stale even if no request has failed yet (e.g. the
// poll is paused or stuck); several poll intervals, so one slow answer does not flash it.
export const DESK_STALE_AFTER_MS = 10_000;

interface Props {
  /** The last refresh failed with this error (cleared by the next success). */
  error: Error | null;
  /** Browser time when the data on screen arrived (TanStack's dataUpdatedAt). */
  dataUpdatedAt: number;
  /** Server time of the snapshot on screen: what "last update" means to the user. */
  serverTime: number;
  /** A refresh is in flight; an old timestamp alone is not proof of staleness yet. */
  fetching: boolean;
}

// Its own component so the once-a-second clock re-renders this banner only, not the desk.
// The text changes only when the reason does, so the alert is not re-announced every second.
export function StaleBanner({ error, dataUpdatedAt, serverTime, fetching }: Props) {
  const now = useNow();
  const tooOld = now !== null && !fetching && now - dataUpdatedAt > DESK_STALE_AFTER_MS;
  const reason = error
    ? error.message
    : tooOld
      ? `no new data for more than ${DESK_STALE_AFTER_MS / 1000} s`
      : null;

  return (
    <div role="alert" className="empty:hidden">
      {reason !== null && (
        <p className="flex items-start gap-2 rounded-md border border-amber-400 bg-amber-950 px-3 py-2 text-sm font-medium text-amber-100">
          <span aria-hidden="true" className="text-amber-300">
            ⚠
          </span>
          <span>
            Data is stale: last update {formatUtcTime(serverTime, now ?? serverTime)} UTC — {reason}
            . Values below may be out of date.
          </span>
        </p>
      )}
    </div>
  );
}
