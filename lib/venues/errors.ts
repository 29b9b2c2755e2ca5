// Typed venue errors. Every adapter maps its venue's own codes onto these kinds, so the rest of
// the app (and the user) sees one vocabulary. Messages never contain secrets: they are built from
// the venue's answer, which never sees our secret.

export const VENUE_ERROR_KINDS = [
  "auth", // key unknown, IP not allowed, no permission, wrong passphrase
  "signature", // the venue could not verify our signature
  "clock", // timestamp outside the venue's window even after a re-sync
  "rate_limited", // 429 or the venue's rate-limit code; retryAfterMs when known
  "banned", // IP banned (HTTP 418 or the venue's ban answer) until retryAfterMs
  "not_enabled", // MMP not enabled / no rules for this scope or account
  "bad_scope", // the venue does not know the scope
  "unavailable", // the request definitely did not take effect (refused, read failed)
  "unknown_outcome", // a state-changing call may or may not have taken effect
  "degraded", // our circuit breaker is open after repeated failures: nothing was sent
  "bad_response", // the venue answered something we cannot parse
  "rejected", // any other definite rejection
] as const;
export type VenueErrorKind = (typeof VENUE_ERROR_KINDS)[number];

export interface VenueErrorDetails {
  venueCode?: string;
  venueMessage?: string;
  httpStatus?: number;
  retryAfterMs?: number;
  /** Refused by our own rate budget before anything was sent: the venue asked nothing of us, so
   * it blocks nothing (a reset must not wait because polls ran out of tokens). */
  ownBudget?: true;
}

export class VenueError extends Error {
  override name = "VenueError";

  constructor(
    readonly kind: VenueErrorKind,
    message: string,
    readonly details: VenueErrorDetails = {},
  ) {
    super(message);
  }
}

export const isVenueError = (err: unknown): err is VenueError => err instanceof VenueError;
