"use client";

import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { deskHistoryQueryOptions } from "@/lib/client/history-queries";
import { formatUtcTime } from "@/lib/model/format";
import { useServerClock } from "@/components/desk/server-clock";
import { chartSummary, type Bucket } from "@/lib/client/history-format";

const W = 24 * 12;
const H = 40;
const HOUR = 3_600_000;

// Freezes per hour over the last 24 h, as inline SVG (no chart library for 24 rectangles). The
// sentence beside it is the accessible version and names the busiest and latest hours; each bar
// also has a tooltip with its hour and count.
export function FreezeChart() {
  const { data, error, isPending } = useQuery(deskHistoryQueryOptions());
  const { dayRefMs } = useServerClock();
  if (isPending) return <Frame>Loading freeze history…</Frame>;
  if (error) return <Frame>Freeze history unavailable: {error.message}</Frame>;
  const buckets = data.buckets;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const slot = W / Math.max(1, buckets.length);
  const summary = chartSummary(buckets, dayRefMs);
  return (
    <Frame>
      <svg
        viewBox={`0 0 ${W} ${H + 1}`}
        className="h-10 w-72 shrink-0 text-rose-400"
        role="img"
        aria-label={`Freezes per hour, last 24 hours. ${summary}`}
      >
        <line x1="0" x2={W} y1={H + 0.5} y2={H + 0.5} className="stroke-slate-600" />
        {buckets.map((b, i) => (
          <Bar key={b.start} bucket={b} x={i * slot} width={slot} max={max} refMs={dayRefMs} />
        ))}
      </svg>
      <span className="text-slate-300">{summary}</span>
    </Frame>
  );
}

function Bar({
  bucket,
  x,
  width,
  max,
  refMs,
}: {
  bucket: Bucket;
  x: number;
  width: number;
  max: number;
  refMs: number;
}) {
  const h = bucket.count === 0 ? 0 : Math.max(2, (bucket.count / max) * H);
  const from = formatUtcTime(bucket.start, refMs);
  const to = formatUtcTime(bucket.start + HOUR, refMs).slice(-8);
  return (
    <rect x={x + 1} y={H - h} width={Math.max(1, width - 2)} height={h} fill="currentColor">
      <title>{`${from}–${to} UTC: ${bucket.count} ${bucket.count === 1 ? "freeze" : "freezes"}`}</title>
    </rect>
  );
}

function Frame({ children }: { children: ReactNode }) {
  return (
    <figure className="flex min-h-10 flex-wrap items-center gap-3 text-sm">
      <figcaption className="font-semibold text-slate-200">Freezes, last 24 h</figcaption>
      {children}
    </figure>
  );
}
