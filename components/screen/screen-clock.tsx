"use client";

import { formatAge, formatUtcTime } from "@/lib/model/format";
import { useServerClock, useServerNow } from "@/components/desk/server-clock";
import { LocalTimeTitle } from "@/components/desk/utc-time";
import { isUpdateLate } from "@/lib/client/staleness";

// The wall's clock shows the *server's* time (browser clock + measured offset), the same clock
// every countdown on the screen uses, so "frozen until 14:05:00" and the clock agree even when
// the display's own clock is wrong.
export function ScreenClock() {
  const now = useServerNow();
  if (now === null) {
    return <p className="text-7xl font-black tabular-nums text-slate-500">--:--:--</p>;
  }
  const iso = new Date(now).toISOString();
  return (
    <p className="flex flex-col items-end leading-none">
      <LocalTimeTitle ms={now}>
        <span className="text-7xl font-black tracking-tight tabular-nums">{iso.slice(11, 19)}</span>
        <span className="ml-2 text-3xl font-bold text-slate-300">UTC</span>
      </LocalTimeTitle>
      <span className="mt-1 text-xl text-slate-400">{iso.slice(0, 10)}</span>
    </p>
  );
}

/** "Last update 14:03:09 UTC"; with the age spelled out once it is late (see isUpdateLate). */
export function LastUpdate({
  serverTime,
  pollIntervalMs,
}: {
  serverTime: number;
  pollIntervalMs: number;
}) {
  const now = useServerNow();
  const { dayRefMs } = useServerClock();
  const late = now !== null && isUpdateLate(serverTime, now, pollIntervalMs);
  return (
    <p className={`text-3xl tabular-nums ${late ? "font-bold text-amber-200" : "text-slate-200"}`}>
      {late && <span aria-hidden="true">⚠ </span>}
      Last update{" "}
      <LocalTimeTitle ms={serverTime}>
        <span className="font-bold">{formatUtcTime(serverTime, dayRefMs)} UTC</span>
      </LocalTimeTitle>
      {late && now !== null && <span> ({formatAge(serverTime, now)})</span>}
    </p>
  );
}
