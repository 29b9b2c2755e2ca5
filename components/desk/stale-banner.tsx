"use client";

import { formatUtcTime } from "@/lib/model/format";
import { useNow } from "@/lib/client/use-now";
import { deskStaleReason, type DeskFreshness } from "@/lib/client/staleness";

interface Props extends DeskFreshness {
  /** Server time of the snapshot on screen: what "last update" means to the user. */
  serverTime: number;
}

// Its own component so the once-a-second clock re-renders this banner only, not the desk.
// The text changes only when the reason does, so the alert is not re-announced every second.
export function StaleBanner({ error, dataUpdatedAt, serverTime, fetching }: Props) {
  const now = useNow();
  const reason = deskStaleReason({ error, dataUpdatedAt, fetching }, now);

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
