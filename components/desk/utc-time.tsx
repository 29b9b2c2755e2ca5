"use client";

import { formatUtcTime, toIsoUtc } from "@/components/desk/format";
import { useServerClock } from "@/components/desk/server-clock";

// An absolute server time in UTC; the date is added when it is not today (server's day), so the
// same input renders identically on the server and in the browser.
export function UtcTime({ ms, empty = "never" }: { ms: number | null; empty?: string }) {
  const { dayRefMs } = useServerClock();
  if (ms === null) return <span className="text-slate-400">{empty}</span>;
  const text = formatUtcTime(ms, dayRefMs);
  return (
    <time dateTime={toIsoUtc(ms)} title={`${toIsoUtc(ms)} (UTC)`}>
      {text}
    </time>
  );
}
