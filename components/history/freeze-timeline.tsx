"use client";

import type { TriggerEvent } from "@/lib/model/types";
import { formatDuration, formatUtcTime } from "@/lib/model/format";
import { frozenSpans, timelineSummary, type FrozenSpan } from "@/lib/client/history-format";

const HOURS = 24;
const HOUR = 3_600_000;
const SPAN = HOURS * HOUR;
// One SVG unit per minute: a freeze of a minute is one unit wide, and shorter ones get that much
// so that they stay visible.
const W = HOURS * 60;
const H = 24;
const TICK_EVERY_H = 6;

/** The row's last 24 hours as a strip, frozen intervals drawn where they fell (issue 13): a
 * risk manager sees at a glance how often and for how long, and whether it is frozen now. The
 * sentence under it is the accessible version; each interval has a tooltip with its times. */
export function FreezeTimeline({
  events,
  now,
  refMs,
}: {
  events: readonly TriggerEvent[];
  now: number;
  refMs: number;
}) {
  const spans = frozenSpans(events, now, SPAN);
  const summary = timelineSummary(spans, refMs, HOURS);
  const start = now - SPAN;
  const x = (ms: number) => ((ms - start) / SPAN) * W;
  const ticks = Array.from(
    { length: HOURS / TICK_EVERY_H + 1 },
    (_, i) => start + i * TICK_EVERY_H * HOUR,
  );
  return (
    <figure className="flex flex-col gap-1 text-sm">
      <figcaption className="font-semibold text-slate-200">Last 24 hours</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        className="h-6 w-full rounded-sm bg-emerald-950/60 text-rose-500"
        role="img"
        aria-label={summary}
      >
        {spans.map((s) => (
          <Span key={s.from} span={s} x={x(s.from)} width={x(s.to) - x(s.from)} refMs={refMs} />
        ))}
      </svg>
      <div className="flex justify-between text-xs tabular-nums text-slate-400" aria-hidden>
        {ticks.map((t, i) => (
          <span key={t}>
            {i === ticks.length - 1 ? "now" : formatUtcTime(t, refMs).slice(-8, -3)}
          </span>
        ))}
      </div>
      <p className="text-slate-300">{summary}</p>
    </figure>
  );
}

function Span({
  span,
  x,
  width,
  refMs,
}: {
  span: FrozenSpan;
  x: number;
  width: number;
  refMs: number;
}) {
  const to = span.open ? "still frozen" : `${formatUtcTime(span.to, refMs)} UTC`;
  // A freeze of seconds gets the minimum width, kept inside the strip (one just now would
  // otherwise hang off its right edge, clipped to nothing).
  const w = Math.max(1, width);
  return (
    <rect x={Math.min(x, W - w)} y={0} width={w} height={H} fill="currentColor">
      <title>{`Frozen ${formatUtcTime(span.from, refMs)} UTC → ${to} (${formatDuration(span.to - span.from)})`}</title>
    </rect>
  );
}
