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
// only the venue can say the freeze ended, so it reads "expiring…" until the next snapshot.
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
          ? formatCountdown(remaining)
          : "expiring…"}
    </time>
  );
}
