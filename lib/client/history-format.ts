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
