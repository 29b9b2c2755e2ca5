import "server-only";

// Every reason a request can be refused, as a closed list: a new refusal needs a line here and a
// status in lib/http/errors.ts (the type system makes that table exhaustive), so no layer below
// the HTTP edge ever picks a status code.
export const APP_ERROR_CODES = [
  // the request itself
  "invalid_input",
  "invalid_json",
  "invalid_scope",
  "invalid_filter",
  "invalid_query",
  "invalid_callback_url",
  "invalid_cookie",
  "body_too_large",
  "unsupported_media_type",
  "method_not_allowed",
  "idempotency_key_reused",
  // who is asking, and from where
  "unauthenticated",
  "forbidden",
  "cross_site",
  "bad_origin",
  "sign_in_throttled",
  "too_many_streams",
  // what the request is about
  "unknown_account",
  "unknown_scope",
  "misconfigured",
  "venue_not_supported",
  "not_frozen",
  "reset_in_progress",
  // MMP limit changes (lib/limits/)
  "invalid_limits",
  "limits_unchanged",
  "confirmation_required",
  "not_configured",
  "limits_not_supported",
  "unknown_change",
  "change_not_pending",
  "change_expired",
  "own_change",
  "diff_mismatch",
  // what the server can vouch for right now
  "state_unconfirmed",
  "audit_unavailable",
  "venue_blocked",
  "venue_degraded",
  "shutting_down",
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

// A request refused for a reason the caller should hear (bad input, no permission, nothing to
// reset…). Thrown by any layer; the HTTP edge (lib/http/errors.ts) maps the code to a status and
// the one JSON error shape.
export class AppError extends Error {
  override name = "AppError";

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly extra: { venueCode?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
  }
}

export const isAppError = (err: unknown, code?: AppErrorCode): err is AppError =>
  err instanceof AppError && (code === undefined || err.code === code);
