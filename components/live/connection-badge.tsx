import type { ConnectionState } from "@/lib/client/use-live-desk";

/** What the badge says: how data arrives, unless what arrived is stale (issue 13: a socket that
 * is up while every row is stale is not "LIVE"). */
export type BadgeState = ConnectionState | "stale";

export const badgeState = (connection: ConnectionState, staleCount: number): BadgeState =>
  connection === "live" && staleCount > 0 ? "stale" : connection;

// How the page gets its data, as a word and a shape (never colour alone): a filled dot while the
// push stream is live, a hollow ring while it is polling or reconnecting or the data is stale.
const LOOK: Record<BadgeState, { label: string; className: string; dot: string }> = {
  live: { label: "LIVE", className: "text-emerald-300 ring-emerald-400/50", dot: "bg-emerald-400" },
  polling: {
    label: "POLLING",
    className: "text-amber-200 ring-amber-400/60",
    dot: "border-2 border-amber-300",
  },
  stale: {
    label: "STALE DATA",
    className: "text-amber-200 ring-amber-400/60",
    dot: "border-2 border-amber-300",
  },
  reconnecting: {
    label: "RECONNECTING",
    className: "text-amber-200 ring-amber-400/60",
    dot: "border-2 border-amber-300",
  },
};

export function ConnectionBadge({
  state,
  size = "desk",
}: {
  state: BadgeState;
  size?: "desk" | "wall";
}) {
  const look = LOOK[state];
  const big = size === "wall";
  return (
    <span
      title="How this page receives updates"
      className={`inline-flex items-center gap-2 rounded-full px-2.5 py-0.5 font-semibold tracking-wide ring-1 ring-inset ${look.className} ${big ? "text-2xl" : "text-xs"}`}
    >
      <span
        aria-hidden="true"
        className={`inline-block rounded-full ${look.dot} ${big ? "size-4" : "size-2"}`}
      />
      <span>
        <span className="sr-only">Updates: </span>
        {look.label}
      </span>
    </span>
  );
}
