import type { LimitChangeStatus, LimitChangeView } from "@/lib/model/limit-change";
import { STATUS_TEXT, formatIsoUtc, formatLimitValue } from "@/lib/client/limit-format";

// A change's status in words and an icon, never colour alone, and after a decision what the
// venue reports now: a risk manager acts on "verified" versus "unverified", so each says exactly
// what the server found.

const LOOK: Record<LimitChangeStatus, { icon: string; className: string }> = {
  pending: { icon: "…", className: "text-sky-200" },
  sending: { icon: "…", className: "text-sky-200" },
  verified: { icon: "✓", className: "text-emerald-300" },
  unverified: { icon: "⚠", className: "text-amber-200" },
  unknown: { icon: "?", className: "text-amber-200" },
  stale: { icon: "✕", className: "text-amber-200" },
  failed: { icon: "✕", className: "text-rose-300" },
  declined: { icon: "✕", className: "text-slate-300" },
  expired: { icon: "✕", className: "text-slate-300" },
};

function explanation(c: LimitChangeView, mine: boolean): string {
  switch (c.status) {
    case "pending":
      return mine
        ? "You requested it: it needs another person's approval."
        : "Waiting for another person's approval.";
    case "sending":
      return "Approved; being sent to the venue.";
    case "verified":
      return "The venue shows the requested values.";
    case "unverified":
      return c.detail ?? "The venue does not show the requested values.";
    case "unknown":
      return c.detail ?? "The venue's answer was lost: check the venue before anything else.";
    case "stale":
      return `${c.detail ?? "changed at the venue since the request"}: nothing was sent.`;
    case "failed":
      return `The venue refused: ${c.detail ?? "no reason given"}`;
    case "declined":
      return "Rejected: nothing was sent.";
    case "expired":
      return "Not approved in time: nothing was sent.";
  }
}

const SENT: readonly LimitChangeStatus[] = ["verified", "unverified", "unknown"];

function VenueNow({ change }: { change: LimitChangeView }) {
  const { readAfter, changes, status } = change;
  if (!readAfter) {
    return SENT.includes(status) ? (
      <p className="text-xs text-amber-200">Venue now: could not be read.</p>
    ) : null;
  }
  return (
    <p className="text-xs text-slate-300">
      Venue now:{" "}
      {changes.map((c) => `${c.label} ${formatLimitValue(readAfter[c.field])}`).join("; ")}
    </p>
  );
}

export function ChangeStatus({ change, mine }: { change: LimitChangeView; mine: boolean }) {
  const look = LOOK[change.status];
  return (
    <div className="flex flex-col gap-0.5">
      <p className={`font-semibold ${look.className}`}>
        <span aria-hidden="true">{look.icon} </span>
        {STATUS_TEXT[change.status]}
      </p>
      <p className="text-xs text-slate-300">{explanation(change, mine)}</p>
      {change.decidedBy && change.decidedAt ? (
        <p className="text-xs text-slate-400">
          {change.status === "declined" ? "Rejected" : "Approved"} by {change.decidedBy},{" "}
          {formatIsoUtc(change.decidedAt)}
        </p>
      ) : null}
      <VenueNow change={change} />
    </div>
  );
}
