"use client";

import type { MmpStatus } from "@/lib/model/types";
import { formatCountdown, formatUtcTime, toIsoUtc } from "@/lib/model/format";
import { useServerClock, useServerNow } from "@/components/desk/server-clock";

// Static for every row that is not counting down, so only frozen rows with an end time
// subscribe to the page clock.
export function FrozenUntil({
  status,
  frozenUntil,
}: {
  status: MmpStatus;
  frozenUntil: number | null;
}) {
  if (status !== "frozen") return <span className="text-slate-400">—</span>;
  if (frozenUntil === null) {
    return <span className="font-medium text-rose-100">until manual reset</span>;
  }
  return <Countdown until={frozenUntil} />;
}

// Recomputed from the absolute end time on every tick (never decremented), so it stays right
// across a hidden tab, a slow tick or a wrong browser clock. Past zero we do not claim "active":
// only the venue can say the freeze ended, so it reads "expiring…" until the next snapshot. The
// absolute end time stands beside it (issue 13): a countdown alone cannot be checked against a
// venue's own screen.
function Countdown({ until }: { until: number }) {
  const now = useServerNow();
  const { dayRefMs } = useServerClock();
  const absolute = formatUtcTime(until, dayRefMs);
  const remaining = now === null ? null : until - now;
  return (
    <time
      dateTime={toIsoUtc(until)}
      title={`Frozen until ${absolute} UTC`}
      className="font-medium text-rose-100"
    >
      {remaining === null
        ? `${absolute} UTC`
        : remaining > 0
          ? `${formatCountdown(remaining)} (to ${absolute})`
          : "expiring…"}
    </time>
  );
}

/** Since when a frozen row has been frozen, and for how long: the venue's trigger time, or the
 * first read that saw it frozen ("seen frozen"), which is as late as the freeze can have been. */
export function FrozenSince({
  since,
  observed,
  className = "text-xs text-rose-200",
  inline = false,
}: {
  since: number | null | undefined;
  observed: boolean | undefined;
  className?: string;
  /** On the line of the countdown (the wall) rather than below it (the desk). */
  inline?: boolean;
}) {
  const now = useServerNow();
  const { dayRefMs } = useServerClock();
  if (since === null || since === undefined) return null;
  const at = formatUtcTime(since, dayRefMs);
  const lasted = now === null ? null : Math.max(0, now - since);
  return (
    <time
      dateTime={toIsoUtc(since)}
      className={`${inline ? "ml-4 inline" : "block"} ${className}`}
      title={
        observed
          ? `The venue does not say when this freeze fired: first seen frozen at ${at} UTC`
          : `Frozen at ${at} UTC (the venue's trigger time)`
      }
    >
      {observed ? "seen frozen" : "since"} {at}
      {lasted === null ? "" : ` · ${formatCountdown(lasted)}${observed ? "+" : ""}`}
    </time>
  );
}
