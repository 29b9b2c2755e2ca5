import type { ReactNode } from "react";
import type { MmpStatus } from "@/lib/model/types";

// Status is always the word plus an icon; colour only reinforces it (never colour alone), so it
// reads on a monochrome wall display and for colour-blind users. Icons are decorative.
const LOOK: Record<MmpStatus, { label: string; className: string; icon: ReactNode }> = {
  active: {
    label: "ACTIVE",
    className: "bg-emerald-500/10 text-emerald-300 ring-emerald-400/40",
    icon: <path d="M3.5 8.5l3 3 6-7" />,
  },
  frozen: {
    label: "FROZEN",
    className: "bg-rose-500/20 text-rose-100 ring-rose-400/70",
    // Snowflake: three crossing strokes with small chevrons on the vertical one.
    icon: (
      <>
        <path d="M8 1.5v13M2.4 4.75l11.2 6.5M2.4 11.25l11.2-6.5" />
        <path d="M6.25 2.75L8 4.25l1.75-1.5M6.25 13.25L8 11.75l1.75 1.5" />
      </>
    ),
  },
  disabled: {
    label: "DISABLED",
    className: "bg-slate-500/15 text-slate-300 ring-slate-400/40",
    icon: (
      <>
        <circle cx="8" cy="8" r="5.75" />
        <path d="M4 12L12 4" />
      </>
    ),
  },
  unknown: {
    label: "UNKNOWN",
    className: "bg-amber-500/15 text-amber-200 ring-amber-400/60",
    icon: (
      <>
        <path d="M5.75 6a2.25 2.25 0 1 1 3.2 2.05c-.6.3-.95.8-.95 1.45v.5" />
        <path d="M8 12.5v.25" />
      </>
    ),
  },
};

export const STATUS_LABELS: Record<MmpStatus, string> = {
  active: LOOK.active.label,
  frozen: LOOK.frozen.label,
  disabled: LOOK.disabled.label,
  unknown: LOOK.unknown.label,
};

/** The status's icon alone (decorative: always shown next to the status word). */
export function StatusIcon({ status, className }: { status: MmpStatus; className: string }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      className={className}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {LOOK[status].icon}
    </svg>
  );
}

/** An unknown row that was frozen when last read: the freeze, with a question mark. */
export const WAS_FROZEN_LABEL = "FROZEN?";
const WAS_FROZEN_CLASS = "bg-rose-500/10 text-rose-200 ring-amber-400/80";

export function StatusBadge({
  status,
  wasFrozen = false,
}: {
  status: MmpStatus;
  wasFrozen?: boolean;
}) {
  const look = LOOK[status];
  const label = wasFrozen ? WAS_FROZEN_LABEL : look.label;
  return (
    <span
      title={wasFrozen ? "Frozen when last read; no current data (stale)" : undefined}
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-semibold tracking-wide ring-1 ring-inset ${wasFrozen ? WAS_FROZEN_CLASS : look.className}`}
    >
      <StatusIcon status={wasFrozen ? "frozen" : status} className="size-3.5 shrink-0" />
      {label}
    </span>
  );
}
