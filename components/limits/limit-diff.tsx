import type { LimitChange, LimitField } from "@/lib/model/limits";
import { formatLimitValue } from "@/lib/client/limit-format";

// The before → after of a change and what else it does: the same words in the request form and
// on the Approvals page, so the approver reads what the requester saw.

export function LimitDiff({
  changes,
  unknownBefore = [],
}: {
  changes: readonly LimitChange[];
  /** Fields whose value before is not known here (shown as such, not as "none"). */
  unknownBefore?: readonly LimitField[];
}) {
  if (changes.length === 0) return <p className="text-sm text-slate-400">No change.</p>;
  return (
    <ul className="flex flex-col gap-0.5 text-sm tabular-nums">
      {changes.map((c) => (
        <li key={c.field}>
          <span className="text-slate-300">{c.label}</span>{" "}
          {c.before === null && unknownBefore.includes(c.field)
            ? "(not shown on the desk)"
            : formatLimitValue(c.before)}{" "}
          → <span className="font-semibold text-slate-50">{formatLimitValue(c.after)}</span>
        </li>
      ))}
    </ul>
  );
}

export function EffectNotes({
  notes,
  switchesOff,
}: {
  notes: readonly string[];
  switchesOff: boolean;
}) {
  if (notes.length === 0 && !switchesOff) return null;
  return (
    <ul className="flex flex-col gap-0.5 text-sm text-amber-100">
      {switchesOff ? (
        <li className="font-semibold text-rose-200">
          <span aria-hidden="true">⚠ </span>This change switches MMP off.
        </li>
      ) : null}
      {notes.map((n) => (
        <li key={n}>{n}</li>
      ))}
    </ul>
  );
}
