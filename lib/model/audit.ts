// The audit trail as every layer sees it: the stored record (lib/db/schema.ts stores exactly
// this) and the verifier's verdict, which the audit page shows.

/** One row of the append-only, hash-chained trail (lib/audit/append.ts states the invariants). */
export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  outcome: string;
  venue: string | null;
  account_id: string | null;
  scope: string | null;
  state_before: string | null;
  state_after: string | null;
  idempotency_key: string | null;
  client_ip: string | null;
  user_agent: string | null;
  venue_code: string | null;
  venue_message: string | null;
  latency_ms: number | null;
  detail: string | null;
  /** Id of the key whose HMAC is `hash` (MMP_AUDIT_KEYS); null on rows from before keyed hashes. */
  key_id: string | null;
  prev_hash: string;
  hash: string;
}

/** A row as the audit page and its JSON show it: an `ok` row carries the state the post-reset
 * read found (the `observed` row of the same attempt), where the venue's answer gave none. */
export interface AuditView extends AuditRecord {
  read_after: { seq: number; state: string | null } | null;
}

/** A reset `requested` with no result row (same idempotency key) after the reset timeout. */
export interface UnansweredRequest {
  seq: number;
  at: string;
  actor: string;
  accountId: string | null;
  scope: string | null;
  idempotencyKey: string | null;
}

export interface ChainVerdict {
  ok: boolean;
  rows: number;
  /** Head of the chain: keep it (e.g. in an export) to detect a later truncation. */
  head: { seq: number; hash: string } | null;
  firstBad: { seq: number; reason: string } | null;
  /** When this verdict was reached; null while the first verification is still running (then
   * `ok` is false and `firstBad` null: not known yet). */
  checkedAt: string | null;
  /** Highest sequence number anchored outside the database and checked against it (0: none). */
  anchoredSeq: number;
  /** Warnings, not breakage: reset requests without a result (at most 20 listed). */
  unanswered: UnansweredRequest[];
  unansweredCount: number;
  /** Facts that qualify the verdict (legacy rows, demo key, …), one sentence each. */
  notes: string[];
}
