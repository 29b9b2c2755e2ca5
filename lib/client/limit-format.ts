import type { LimitChangeStatus } from "@/lib/model/limit-change";

// How the limit-change screens write values and statuses. No schema here (and so no zod): the
// Approvals page shows what the server sends and validates nothing.

/** A limit as an approver must read it: exact. Durations are the only numbers (ms): whole
 * seconds as "60 s", anything else in ms; sizes are the venue's decimal strings. */
export function formatLimitValue(value: number | string | null): string {
  if (value === null) return "none";
  if (typeof value === "string") return value;
  return value !== 0 && value % 1000 === 0 ? `${value / 1000} s` : `${value} ms`;
}

/** "2026-11-30 14:05:09 UTC" from an ISO time. */
export const formatIsoUtc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

export const STATUS_TEXT: Record<LimitChangeStatus, string> = {
  pending: "pending",
  declined: "declined",
  expired: "expired",
  stale: "stale",
  sending: "sending",
  verified: "verified",
  unverified: "unverified",
  unknown: "outcome unknown",
  failed: "failed",
};
