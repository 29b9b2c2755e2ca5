import "server-only";
import { randomUUID } from "node:crypto";
import type { ApiErrorBody } from "@/lib/model/types";
import { log } from "@/lib/platform/log";
import { AppError } from "@/lib/platform/errors";
import { VenueError } from "@/lib/venues/errors";

// Handlers throw; errorResponse() maps once to one JSON shape: { error: { code, message } }.
// Only expected errors reach the client; anything else is a generic 500 with a correlation id and
// the full detail in the server log.


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

export interface ErrorResult {
  status: number;
  body: ApiErrorBody;
  retryAfterMs?: number;
}

/** The one mapping from a thrown error to a status and the one JSON error shape. */
export function toErrorResult(err: unknown): ErrorResult {
  if (err instanceof AppError) {
    return {
      status: err.status,
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
