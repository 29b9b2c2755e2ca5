// Client-safe list of audit outcomes (shared by the filter form and the server).
export const AUDIT_OUTCOMES = [
  "requested",
  "ok",
  "rejected",
  "unknown",
  "resolved",
  "denied",
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
