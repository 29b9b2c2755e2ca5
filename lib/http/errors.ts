import "server-only";
import { randomUUID } from "node:crypto";
import type { ApiErrorBody } from "@/lib/model/types";
import { log } from "@/lib/platform/log";
import { AppError, type AppErrorCode } from "@/lib/platform/errors";
import { VenueError } from "@/lib/venues/errors";

// Handlers and use cases throw; this file alone maps what they throw to a status and the one JSON
// shape { error: { code, message } }. Only expected errors reach the client; anything else is a
// generic 500 with a correlation id and the full detail in the server log.

function json(status: number, body: ApiErrorBody, retryAfterMs?: number): Response {
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (retryAfterMs !== undefined) headers["Retry-After"] = String(Math.ceil(retryAfterMs / 1000));
  return Response.json(body, { status, headers });
}

const VENUE_STATUS: Record<VenueError["kind"], [number, string]> = {
  auth: [502, "venue_rejected"],
  signature: [502, "venue_rejected"],
  clock: [502, "venue_rejected"],
  rejected: [502, "venue_rejected"],
  not_enabled: [502, "venue_rejected"],
  bad_scope: [502, "venue_rejected"],
  bad_response: [502, "venue_bad_response"],
  rate_limited: [503, "venue_rate_limited"],
  banned: [503, "venue_banned"],
  unavailable: [503, "venue_unavailable"],
  unknown_outcome: [504, "outcome_unknown"],
  degraded: [503, "venue_degraded"],
};

/** The status of every refusal, in one place. */
const APP_STATUS: Record<AppErrorCode, number> = {
  invalid_input: 400,
  invalid_json: 400,
  invalid_scope: 400,
  invalid_filter: 400,
  invalid_query: 400,
  invalid_callback_url: 400,
  invalid_cookie: 400,
  body_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  idempotency_key_reused: 422,
  unauthenticated: 401,
  forbidden: 403,
  cross_site: 403,
  bad_origin: 403,
  sign_in_throttled: 429,
  too_many_streams: 429,
  unknown_account: 404,
  unknown_scope: 404,
  misconfigured: 409,
  venue_not_supported: 409,
  not_frozen: 409,
  reset_in_progress: 409,
  invalid_limits: 400,
  limits_unchanged: 400,
  confirmation_required: 400,
  not_configured: 409,
  limits_not_supported: 409,
  unknown_change: 404,
  change_not_pending: 409,
  change_expired: 409,
  own_change: 403,
  diff_mismatch: 409,
  state_unconfirmed: 503,
  audit_unavailable: 503,
  venue_blocked: 503,
  venue_degraded: 503,
  shutting_down: 503,
};

export const appErrorStatus = (err: AppError): number => APP_STATUS[err.code];

export interface ErrorResult {
  status: number;
  body: ApiErrorBody;
  retryAfterMs?: number;
}

/** The one mapping from a thrown error to a status and the one JSON error shape. */
export function toErrorResult(err: unknown): ErrorResult {
  if (err instanceof AppError) {
    return {
      status: appErrorStatus(err),
      body: { error: { code: err.code, message: err.message, venueCode: err.extra.venueCode } },
      retryAfterMs: err.extra.retryAfterMs,
    };
  }
  if (err instanceof VenueError) {
    const [status, code] = VENUE_STATUS[err.kind];
    return {
      status,
      body: { error: { code, message: err.message, venueCode: err.details.venueCode } },
      retryAfterMs: err.details.retryAfterMs,
    };
  }
  const correlationId = randomUUID();
  log.error({ err, correlationId }, "unhandled error in request handler");
  return {
    status: 500,
    body: { error: { code: "internal", message: "internal error", correlationId } },
  };
}

export function errorResponse(err: unknown): Response {
  const { status, body, retryAfterMs } = toErrorResult(err);
  return json(status, body, retryAfterMs);
}
