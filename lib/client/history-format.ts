// Words for the trigger history (pure, unit-tested in tests/unit/live-warnings.test.ts).
import type { TriggerEvent, TriggerHistory } from "@/lib/model/types";
import { formatDuration, formatUtcTime } from "@/lib/model/format";

const HOUR = 3_600_000;

/** "expired", "reset by trader1", "cleared", "still frozen". */
export function endedByText(e: TriggerEvent): string {
  switch (e.endedBy) {
    case "expired":
      return "expired";
    case "reset":
      return e.resetBy ? `reset by ${e.resetBy}` : "reset";
    case "cleared":
      return "cleared";
    case null:
      return e.endedAt === null ? "still frozen" : "ended";
  }
}

/** How long the freeze lasted, or has lasted so far ("running 2 min 5 s"); `now` on the server clock. */
export function lastedText(e: TriggerEvent, now: number | null): string {
  if (e.endedAt !== null) return formatDuration(Math.max(0, e.endedAt - e.frozenAt));
  if (now === null) return "running";
  return `running ${formatDuration(Math.max(0, Math.floor((now - e.frozenAt) / 1000) * 1000))}`;
}

export type Bucket = TriggerHistory["buckets"][number];

/** The chart in one sentence, for screen readers and as the visible caption. */
export function chartSummary(buckets: readonly Bucket[], refMs: number): string {
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  if (buckets.length === 0) return "No freeze history available.";
  if (total === 0) return `No freezes in the last ${buckets.length} hours.`;
  const busiest = buckets.reduce((max, b) => (b.count > max.count ? b : max));
  const latest = [...buckets].reverse().find((b) => b.count > 0);
  const range = (b: Bucket) =>
    `${formatUtcTime(b.start, refMs).slice(-8, -3)}–${formatUtcTime(b.start + HOUR, refMs).slice(-8, -3)} UTC`;
  return (
    `${total} ${total === 1 ? "freeze" : "freezes"} in the last ${buckets.length} hours; ` +
    `most in ${range(busiest)} (${busiest.count})` +
    (latest && latest !== busiest ? `; latest in ${range(latest)} (${latest.count})` : "") +
    "."
  );
}

/** One frozen interval on a row's timeline, clipped to the window it is drawn in. */
export interface FrozenSpan {
  from: number;
  to: number;
  /** Still frozen: the span runs to `now`. */
  open: boolean;
}

/** The row's frozen intervals within [now - spanMs, now], oldest first: a freeze that began
 * before the window starts at its left edge, one still running ends at `now`. */
export function frozenSpans(
  events: readonly TriggerEvent[],
  now: number,
  spanMs = 24 * HOUR,
): FrozenSpan[] {
  const start = now - spanMs;
  return events
    .map((e) => ({
      from: Math.max(start, e.frozenAt),
      to: Math.min(now, e.endedAt ?? now),
      open: e.endedAt === null,
    }))
    .filter((s) => s.to > start && s.from < now && s.to >= s.from)
    .sort((a, b) => a.from - b.from);
}

/** The timeline in one sentence: how often, how long in total, and whether it is frozen now. */
export function timelineSummary(spans: readonly FrozenSpan[], refMs: number, hours = 24): string {
  if (spans.length === 0) return `Not frozen in the last ${hours} hours.`;
  const total = spans.reduce((sum, s) => sum + (s.to - s.from), 0);
  const open = spans.find((s) => s.open);
  const times = spans.length === 1 ? "once" : `${spans.length} times`;
  return (
    `Frozen ${times} in the last ${hours} hours, ${formatDuration(total < 1000 ? total : Math.floor(total / 1000) * 1000)} in total` +
    (open ? `; frozen now, since ${formatUtcTime(open.from, refMs)} UTC.` : ".")
  );
}
