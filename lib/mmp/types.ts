// The normalised MMP model every screen sees. Venue-specific fields never leave lib/venues/.
// Invariants: durations are milliseconds; times are epoch ms on the *app server's* clock (venue
// clock offsets are removed by the adapter); a limit the venue does not have is null ("n/a"),
// never 0; limits are kept as the venue's decimal strings so no precision is lost.

export { VENUES, type Venue } from "@/lib/mmp/venues";
import type { Venue } from "@/lib/mmp/venues";

export const MMP_STATUSES = ["active", "frozen", "disabled", "unknown"] as const;
export type MmpStatus = (typeof MMP_STATUSES)[number];

export interface RowProblem {
  /** Stable machine code, e.g. "misconfigured", "invalid_signature", "unavailable". */
  code: string;
  /** Human text safe to show: never contains a secret. */
  message: string;
}

export interface MmpRow {
  /** `${accountId}/${scope}`; unique across the desk. */
  id: string;
  accountId: string;
  accountLabel: string;
  venue: Venue;
  /** The venue's own key for an MMP group: underlying, base coin, instrument family or index. */
  scope: string;
  status: MmpStatus;
  /** Only meaningful when status is "frozen": epoch ms, or null = frozen until manual reset. */
  frozenUntil: number | null;
  windowMs: number | null;
  /** 0 = frozen until manual reset. */
  frozenPeriodMs: number | null;
  qtyLimit: string | null;
  deltaLimit: string | null;
  vegaLimit: string | null;
  /** Last time MMP fired, epoch ms; null = never / not reported. */
  lastTriggerAt: number | null;
  /** When the data in this row was read from the venue (epoch ms); null = never read. */
  fetchedAt: number | null;
  /** Why the row is unknown or disabled, or the last read error while older data is shown. */
  problem: RowProblem | null;
}

export interface DeskSnapshot {
  /** Server clock when the snapshot was served, so browsers can correct their own clock. */
  serverTime: number;
  demo: boolean;
  rows: MmpRow[];
}

export type ResetOutcome = "ok" | "unknown";

/** Successful answer of POST /api/mmp/reset (errors use ApiErrorBody). */
export interface ResetResult {
  outcome: ResetOutcome;
  /** Plain-language summary, shown next to the row. */
  message: string;
  /** The row as re-read after the reset (or after an unknown outcome). */
  row: MmpRow | null;
  latencyMs: number;
  serverTime: number;
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    /** Venue's own error code and text when the venue rejected the call. */
    venueCode?: string;
    correlationId?: string;
  };
}
