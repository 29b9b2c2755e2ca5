"use client";

import { memo, useId } from "react";
import type { LimitChangeView } from "@/lib/model/limit-change";
import { VENUE_LABELS } from "@/lib/model/venues";
import { RequestError } from "@/lib/client/queries";
import { formatDuration } from "@/lib/model/format";
import { formatIsoUtc } from "@/lib/client/limit-format";
import { useLimitDecision } from "@/lib/client/use-limit-decision";
import { ChangeStatus } from "@/components/limits/change-status";
import { EffectNotes, LimitDiff } from "@/components/limits/limit-diff";

const cell = "px-2 py-1.5 align-top [overflow-wrap:anywhere]";

interface Props {
  change: LimitChangeView;
  username: string;
  canApprove: boolean;
  /** Server time of the list, for "expires in". */
  serverTime: number;
}

export const ApprovalRow = memo(function ApprovalRow({
  change,
  username,
  canApprove,
  serverTime,
}: Props) {
  const mine = change.requestedBy === username;
  const pending = change.status === "pending";
  const left = Date.parse(change.expiresAt) - serverTime;
  return (
    <tr className={pending ? "bg-sky-950/40" : undefined}>
      <th scope="row" className={`${cell} text-left font-semibold text-slate-50`}>
        <span title={`Account id: ${change.accountId}`}>{change.accountLabel}</span> /{" "}
        {change.scope}
        {/* The audit trail names each step "change <id>": the short id finds them there. */}
        <span className="block font-mono text-xs font-normal text-slate-400" title={change.id}>
          #{change.id.slice(0, 8)}
        </span>
      </th>
      <td className={`${cell} whitespace-nowrap`}>{VENUE_LABELS[change.venue]}</td>
      <td className={cell}>
        {change.requestedBy}
        <span className="block text-xs text-slate-400">{formatIsoUtc(change.requestedAt)}</span>
      </td>
      <td className={cell}>
        {formatIsoUtc(change.expiresAt)}
        {pending && left > 0 ? (
          <span className="block text-xs text-slate-400">in {formatDuration(left)}</span>
        ) : null}
      </td>
      <td className={cell}>
        <LimitDiff changes={change.changes} />
      </td>
      <td className={cell}>
        <EffectNotes notes={change.effects.notes} switchesOff={change.switchesOff} />
      </td>
      <td className={cell}>
        <ChangeStatus change={change} mine={mine} />
      </td>
      {canApprove ? (
        <td className={cell}>
          <Decide change={change} mine={mine} />
        </td>
      ) : null}
    </tr>
  );
});

// Approve and Reject stay on the requester's own row: the server refuses the approval (four
// eyes are checked there, by username), and its refusal is shown here rather than guessed.
function Decide({ change, mine }: { change: LimitChangeView; mine: boolean }) {
  const { decide, pending, kind, error } = useLimitDecision();
  const noteId = useId();
  const open = change.status === "pending";
  if (!open && !error) return null;
  const button =
    "rounded px-2.5 py-1 text-xs font-semibold text-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-300 disabled:cursor-not-allowed disabled:bg-slate-700 disabled:text-slate-300";
  return (
    <div className="flex flex-col items-start gap-1">
      {open ? (
        <div className="flex gap-2">
          <button
            type="button"
            onClick={() => decide("approve", change)}
            disabled={pending}
            aria-busy={pending && kind === "approve"}
            aria-describedby={mine ? noteId : undefined}
            className={`${button} bg-emerald-700 hover:bg-emerald-600`}
          >
            Approve
          </button>
          <button
            type="button"
            onClick={() => decide("decline", change)}
            disabled={pending}
            aria-busy={pending && kind === "decline"}
            className={`${button} bg-rose-700 hover:bg-rose-600`}
          >
            Reject
          </button>
        </div>
      ) : null}
      {mine && open ? (
        <p id={noteId} className="text-xs text-amber-200">
          Your own request: another person must approve it.
        </p>
      ) : null}
      <p role="status" aria-live="polite" className="text-xs text-slate-300">
        {pending ? (kind === "approve" ? "Approving…" : "Rejecting…") : null}
      </p>
      {error ? (
        <p role="alert" className="max-w-64 text-xs text-rose-200">
          {error instanceof RequestError && error.status !== 0
            ? `Refused: ${error.message}`
            : `No answer from the server (${error.message}): the status beside shows what happened once the list refreshes.`}
        </p>
      ) : null}
    </div>
  );
}
