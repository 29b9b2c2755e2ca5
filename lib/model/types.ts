// The normalised MMP model every screen sees. Venue-specific fields never leave lib/venues/.
// Invariants: durations are milliseconds; times are epoch ms on the *app server's* clock (venue
// clock offsets are removed by the adapter); a limit the venue does not have is null ("n/a"),
// never 0; limits are kept as the venue's decimal strings so no precision is lost.

export { VENUES, type Venue } from "@/lib/model/venues";
import type { Venue } from "@/lib/model/venues";

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
  /** "interval": a fixed interval from the first fill, not a sliding window (the venue says). */
  windowKind?: "interval";
  /** 0 = frozen until manual reset. */
  frozenPeriodMs: number | null;
  qtyLimit: string | null;
  deltaLimit: string | null;
  vegaLimit: string | null;
  /** Last time MMP fired, epoch ms; null = never / not reported. */
  lastTriggerAt: number | null;
  /** Frozen (or unknown while a freeze was last seen): since when, epoch ms. The venue's trigger
   * time where it reports one, else when the desk first saw it frozen (frozenSinceObserved). */
  frozenSince?: number | null;
  frozenSinceObserved?: boolean;
  /** Unknown because its data went stale (or the venue stopped answering): the status the last
   * read showed, so an outage never hides which rows were frozen (issue 13). */
  lastKnown?: MmpStatus;
  /** This row's own stale limit, where it differs from the desk's (DeskSnapshot.staleAfterMs):
   * an account read sparsely while its push channel vouches for it. */
  staleAfterMs?: number;
  /** When the data in this row was read from the venue (epoch ms); null = never read. */
  fetchedAt: number | null;
  /** Why the row is unknown or disabled, or the last read error while older data is shown. */
  problem: RowProblem | null;
  /** Why a reset cannot be sent right now (venue ban, rate-limit stop, account degraded). */
  resetBlocked?: string | null;
  /** The account's dead-man switch (or this underlying's, where the venue arms it per underlying). */
  deadMan?: DeadManView;
  /** The live limits differ from the row's desired ones (issue 15): set by the config file or by
   * the last verified limit change. Absent: no desired state, or it matches, or no fresh data. */
  drift?: RowDrift;
}

/** How a row's live MMP configuration differs from its desired one. */
export interface RowDrift {
  /** MMP is no longer on at the venue (not enabled, configuration gone, window 0): the loudest. */
  off: boolean;
  /** Each field that differs, as desired → live (empty when off). */
  fields: {
    field: string;
    label: string;
    desired: number | string;
    live: number | string | null;
  }[];
  /** When the desk first saw this drift (epoch ms). */
  since: number;
}

/** The account's dead-man switch (cancel-on-disconnect / countdown cancel-all) as the venue
 * reports it, read-only (issue 14). Never "healthy": no venue shows whether the quoting engine
 * keeps it alive, only whether it is armed. */
export interface DeadManView {
  /** armed | off as the venue says; not_readable: the venue has no way to read it without
   * changing it; unknown: not read yet, or the last read failed. */
  state: "armed" | "off" | "not_readable" | "unknown";
  /** Its countdown or window when armed, ms; null when the venue gives none. */
  windowMs: number | null;
  /** "account": one switch for the whole account; "scope": this row's own (per underlying). */
  reach: "account" | "scope";
  /** What the reading means, where it is not obvious ("default for new connections"). */
  note: string | null;
  /** When it was read (epoch ms); null = never. */
  fetchedAt: number | null;
}

export interface DeskSnapshot {
  /** Server clock when the snapshot was served, so browsers can correct their own clock. */
  serverTime: number;
  demo: boolean;
  rows: MmpRow[];
  /** How often the server polls each account (frozen accounts are polled faster). */
  pollIntervalMs: number;
  /** A row whose fetchedAt is older than this is stale: show it UNKNOWN, never as it was. */
  staleAfterMs: number;
  /** Set when the page was first drawn with only the rows that matter most (all frozen and
   * unknown rows, then the first of the rest); the live stream's snapshot brings the others. */
  totalRows?: number;
}

// --- Live stream: GET /api/stream (server-sent events) -------------------------------------
// event: snapshot    data: DeskSnapshot        — first message after (re)connecting
// event: account     data: AccountUpdate       — after every poll of an account (or a push)
// event: transition  data: RowTransition       — a row changed status (alerts use it)
// comment ": ping" every 15 s keeps proxies from closing an idle stream.

export interface AccountUpdate {
  accountId: string;
  serverTime: number;
  /** Every row of the account, as the server sees it now (replace the account's rows). */
  rows: MmpRow[];
}

export interface RowTransition {
  rowId: string;
  accountId: string;
  accountLabel: string;
  venue: Venue;
  scope: string;
  from: MmpStatus;
  to: MmpStatus;
  /** Server clock. */
  at: number;
  frozenUntil: number | null;
}

// --- Trigger history: GET /api/mmp/history -------------------------------------------------
export interface TriggerEvent {
  id: number;
  rowId: string;
  accountId: string;
  venue: Venue;
  scope: string;
  /** When the desk saw the row freeze (epoch ms). */
  frozenAt: number;
  frozenUntil: number | null;
  /** When it was seen active again; null while still frozen. */
  endedAt: number | null;
  /** "expired" (frozen period ran out), "reset" (by resetBy), "cleared" (active again, cause unknown). */
  endedBy: "expired" | "reset" | "cleared" | null;
  resetBy: string | null;
}

/** GET /api/mmp/history?row=<rowId>&limit=20 → { events } (newest first);
 *  GET /api/mmp/history → { events: last 200 across the desk, buckets: 24 hourly counts of
 *  freezes ending now (oldest first) }. */
export interface TriggerHistory {
  events: TriggerEvent[];
  buckets: { start: number; count: number }[];
  /** One row's history only: its limits' story from the audit trail (verified changes, drift
   * detected and cleared), newest first (issue 15). */
  limitEvents?: LimitEvent[];
}

export interface LimitEvent {
  seq: number;
  at: number;
  outcome: "verified" | "unverified" | "drift_detected" | "drift_cleared";
  actor: string;
  detail: string | null;
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
