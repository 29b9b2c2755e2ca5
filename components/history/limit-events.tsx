import type { LimitEvent } from "@/lib/model/types";
import { UtcTime } from "@/components/desk/utc-time";

// The row's limits in its History dialog (issue 15): verified changes and drift, from the audit
// trail, newest first.
const LABEL: Record<LimitEvent["outcome"], string> = {
  verified: "Limits changed (verified)",
  unverified: "Limits change sent, not verified",
  drift_detected: "Drift detected",
  drift_cleared: "Drift cleared",
};

export function LimitEvents({ events }: { events: LimitEvent[] }) {
  if (events.length === 0) return null;
  return (
    <section aria-label="Limits and drift" className="mt-3">
      <h3 className="mb-1 text-sm font-semibold text-slate-200">Limits and drift</h3>
      <ul className="max-h-48 space-y-1 overflow-auto text-sm">
        {events.map((e) => (
          <li key={e.seq} className="flex gap-3">
            <span className="shrink-0 tabular-nums text-slate-400">
              <UtcTime ms={e.at} />
            </span>
            <span className={e.outcome === "drift_detected" ? "text-amber-300" : "text-slate-200"}>
              {LABEL[e.outcome]}
              {e.actor !== "system" ? ` by ${e.actor}` : ""}
              {e.detail ? `: ${e.detail}` : ""}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
