// Client-safe list of audit outcomes (shared by the filter form and the server).
export const AUDIT_OUTCOMES = [
  "requested",
  "ok",
  "rejected",
  "unknown",
  "resolved",
  // The read after a reset the venue answered ok: the state after (lib/desk/reset-read-after.ts).
  "observed",
  "denied",
  // MMP limit changes (lib/limits/): asked for, decided, sent once, and what a re-read showed.
  "proposed",
  "approved",
  "declined",
  "expired",
  "stale",
  "sent",
  "verified",
  "unverified",
  // A row's live limits left its desired state, or came back to it (lib/live/drift.ts).
  "drift_detected",
  "drift_cleared",
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
