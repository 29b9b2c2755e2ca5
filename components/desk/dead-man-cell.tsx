import type { DeadManView } from "@/lib/model/types";
import { formatDuration } from "@/lib/model/format";
import { UtcTime } from "@/components/desk/utc-time";

// The dead-man switch column (issue 14): what the venue says of the account's cancel-on-
// disconnect / countdown switch, read-only, with when it was read. Never "healthy": no venue
// shows whether the quoting engine keeps it alive. "OFF" is amber on a row that quotes (MMP on):
// a quoting engine that dies leaves its orders in the book.

const LOOK: Record<DeadManView["state"], { text: string; className: string }> = {
  armed: { text: "ARMED", className: "text-emerald-300" },
  off: { text: "OFF", className: "text-slate-300" },
  not_readable: { text: "not readable", className: "text-slate-400" },
  unknown: { text: "unknown", className: "text-slate-400" },
};

export function DeadManCell({ view, quoting }: { view?: DeadManView; quoting: boolean }) {
  if (!view) return <span className="text-slate-500">—</span>;
  const look = LOOK[view.state];
  const warn = view.state === "off" && quoting;
  const window =
    view.state === "armed" && view.windowMs !== null ? formatDuration(view.windowMs) : null;
  const reach = view.reach === "account" ? "whole account" : "this underlying";
  const title = [
    `Dead-man switch (${reach}): ${look.text}${window ? `, ${window}` : ""}`,
    view.note,
    warn ? "Off on an account that quotes: its orders stay if the quoting engine dies" : null,
  ]
    .filter(Boolean)
    .join("\n");
  return (
    <span title={title} className="flex flex-col">
      <span className={`font-semibold ${warn ? "text-amber-300" : look.className}`}>
        {warn ? "⚠ " : null}
        {look.text}
        {window ? <span className="font-normal"> {window}</span> : null}
      </span>
      <span className="text-xs text-slate-400">
        {view.reach === "account" ? "account" : "underlying"}
        {view.note ? ` · ${view.note}` : null}
      </span>
      {view.fetchedAt !== null ? (
        <span className="text-xs text-slate-500">
          read <UtcTime ms={view.fetchedAt} />
        </span>
      ) : null}
    </span>
  );
}
