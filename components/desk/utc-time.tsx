"use client";

import type { ReactNode } from "react";
import { formatLocalTime, formatUtcTime, toIsoUtc } from "@/lib/model/format";
import { useServerClock } from "@/components/desk/server-clock";
import { useHydrated } from "@/lib/client/use-hydrated";

// The browser's time zone is unknown on the server, so the local-time title is added only after
// hydration; until then the title says the ISO UTC time, identically on both sides.

function useTimeTitle(ms: number, prefix = ""): string {
  const hydrated = useHydrated();
  return hydrated
    ? `${prefix}${formatLocalTime(ms)} (your local time)`
    : `${prefix}${toIsoUtc(ms)} (UTC)`;
}

// An absolute server time in UTC; the date is added when it is not today (server's day), so the
// same input renders identically on the server and in the browser.
export function UtcTime({ ms, empty = "never" }: { ms: number | null; empty?: string }) {
  const { dayRefMs } = useServerClock();
  if (ms === null) return <span className="text-slate-400">{empty}</span>;
  return <KnownUtcTime ms={ms} dayRefMs={dayRefMs} />;
}

function KnownUtcTime({ ms, dayRefMs }: { ms: number; dayRefMs: number }) {
  const title = useTimeTitle(ms);
  return (
    <time dateTime={toIsoUtc(ms)} title={title}>
      {formatUtcTime(ms, dayRefMs)}
    </time>
  );
}

/** Any text that names a time in UTC (an alert sentence), with that time local on hover. */
export function LocalTimeTitle({ ms, children }: { ms: number; children: ReactNode }) {
  const title = useTimeTitle(ms);
  return (
    <time dateTime={toIsoUtc(ms)} title={title}>
      {children}
    </time>
  );
}
