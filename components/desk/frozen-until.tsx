"use client";

import type { MmpStatus } from "@/lib/mmp/types";
import { formatCountdown, formatUtcTime, toIsoUtc } from "@/components/desk/format";
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

// Fixed-size, contained box so a tick does not re-lay-out the table (see data-age.tsx).
const TICKING_BOX = "block h-5 w-24 align-top [contain:size_layout_style]";

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
      className={`${TICKING_BOX} font-medium text-rose-100`}
    >
      {/* Until hydrated: the time of day only (it fits the box); the full value is in the title. */}
      {remaining === null
        ? formatUtcTime(until, until)
        : remaining > 0
          ? formatCountdown(remaining)
          : "expiring…"}
    </time>
  );
}
