import type { Generated } from "kysely";
import type { AuditRecord } from "@/lib/model/audit";

// Tables, as Kysely sees them. One schema for SQLite and PostgreSQL: only portable column types
// (text, integer), timestamps as ISO-8601 UTC text with milliseconds, JSON as text.

/** The audit trail: append-only, hash-chained (lib/audit/append.ts states the invariants). */
export type AuditLogTable = AuditRecord;

/** The audit chain's identity (migration 0005): one row, written once by lib/audit/identity.ts,
 * sealed with the audit key so that its chain id and legacy boundary cannot be changed. */
export interface AuditChainTable {
  id: number;
  chain_id: string;
  /** Rows up to this seq predate keyed hashes (plain SHA-256); every later row is keyed. */
  legacy_through: number;
  key_id: string;
  created_at: string;
  seal: string;
}

/** First answer per idempotency key, so a repeated click replays it without a venue call. */
export interface ResetIdempotencyTable {
  key: string;
  fingerprint: string;
  state: string; // "pending" | "provisional" (replayed, may still be replaced) | "done"
  status_code: number | null;
  body: string | null;
  created_at: string;
  /** The app process producing the answer while pending (migration 0007; null on older rows). */
  process_id: string | null;
}

/** A reset attempt that may have reached the venue and has no final audit row yet (migration
 * 0007): the reconciler settles it if its process is gone or it outlives its row lock. */
export interface ResetOpenTable {
  id: string;
  idempotency_key: string;
  row_id: string;
  account_id: string;
  scope: string;
  process_id: string;
  opened_at: string;
  /** The reconciler leaves it alone until then while its process lives. */
  not_before: string;
}

/** When a reset of the row last reached (or may have reached) the venue, and the trigger time of
 * the last freeze a reset is known to have cleared (migration 0007). */
export interface RowResetTable {
  row_id: string;
  reset_at: string;
  /** On the venue's clock (lib/desk/venue-time.ts). */
  cleared_trigger_at: string | null;
}

/** Every app process on the database, with its heartbeat (migration 0007). */
export interface AppProcessTable {
  id: string;
  host: string;
  pid: number;
  started_at: string;
  seen_at: string;
}

/** Per-row reset lock, shared by every app process on the same database. */
export interface RowLockTable {
  row_id: string;
  holder: string;
  expires_at: string;
}

/** A freeze seen by the desk (times as ISO-8601 UTC text). */
export interface TriggerEventTable {
  id: Generated<number>;
  row_id: string;
  account_id: string;
  venue: string;
  scope: string;
  frozen_at: string;
  frozen_until: string | null;
  ended_at: string | null;
  /** "reset" | "expired" | "cleared", set when the freeze is seen to end. */
  ended_by: string | null;
  /** Who reset it through this desk (set with reset_at; kept only when ended_by is "reset"). */
  reset_by: string | null;
  /** When a reset through this desk took effect on this freeze (migration 0004). */
  reset_at: string | null;
}

export interface LiveStateTable {
  account_id: string;
  payload: string;
  updated_at: string;
}

/** One sign-in (migration 0006): the session cookie names it by sid (lib/auth/session-store.ts). */
export interface AuthSessionTable {
  sid: string;
  username: string;
  provider: string; // "credentials" | "oidc"
  /** Keyed hash of the user's credentials and role at sign-in (lib/auth/session-validity.ts). */
  fingerprint: string;
  created_at: string;
  last_seen_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

/** Failed sign-ins per username or client address (lib/auth/sign-in-throttle.ts). */
export interface AuthThrottleTable {
  key: string;
  failures: number;
  last_failure_at: string | null;
  locked_until: string | null;
}

/** An MMP limit change under four eyes (migration 0010, lib/limits/). JSON as text. */
export interface LimitChangeTable {
  id: string;
  account_id: string;
  scope: string;
  venue: string;
  requested_by: string;
  requested_at: string;
  expires_at: string;
  before_json: string;
  after_json: string;
  diff_hash: string;
  /** 1 when the change switches MMP off (it needed an explicit confirmation). */
  switches_off: number;
  status: string;
  decided_by: string | null;
  decided_at: string | null;
  read_after_json: string | null;
  detail: string | null;
}

/** A row's desired limits from its last verified change (migration 0011). */
export interface DesiredLimitsTable {
  row_id: string;
  limits_json: string;
  set_by: string;
  set_at: string;
  change_id: string | null;
}

/** The drift a row is in now (migration 0011): alerted once, removed when it clears. */
export interface RowDriftTable {
  row_id: string;
  drift_key: string;
  since: string;
}

export interface Database {
  live_state: LiveStateTable;
  trigger_event: TriggerEventTable;
  audit_log: AuditLogTable;
  audit_chain: AuditChainTable;
  reset_idempotency: ResetIdempotencyTable;
  row_lock: RowLockTable;
  reset_open: ResetOpenTable;
  row_reset: RowResetTable;
  app_process: AppProcessTable;
  auth_session: AuthSessionTable;
  auth_throttle: AuthThrottleTable;
  limit_change: LimitChangeTable;
  desired_limits: DesiredLimitsTable;
  row_drift: RowDriftTable;
}
