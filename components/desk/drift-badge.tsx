import type { RowDrift } from "@/lib/model/types";

// A row whose live MMP limits left their desired state (issue 15): which fields, live value and
// the desired one; "MMP OFF" when protection is no longer on at the venue, the loudest drift.

export const driftText = (drift: RowDrift): string =>
  drift.off
    ? "MMP OFF at the venue (desired on)"
    : drift.fields
        .map(
          (f) =>
            `${f.label} ${f.live === null ? "n/a" : String(f.live)} (desired ${String(f.desired)})`,
        )
        .join("; ");

export function DriftBadge({ drift }: { drift?: RowDrift }) {
  if (!drift) return null;
  return (
    <p
      className={
        drift.off
          ? "mt-1 inline-block rounded bg-rose-700 px-1.5 py-0.5 text-xs font-bold text-white"
          : "mt-1 max-w-64 text-xs font-semibold text-amber-300"
      }
      title={`since ${new Date(drift.since).toISOString()}`}
    >
      <span aria-hidden="true">{drift.off ? "⛔ " : "≠ "}</span>
      {drift.off ? "" : "Drift: "}
      {driftText(drift)}
    </p>
  );
}
