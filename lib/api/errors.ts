import "server-only";
import { randomUUID } from "node:crypto";
import type { ApiErrorBody } from "@/lib/mmp/types";
import { log } from "@/lib/server/log";
import { VenueError } from "@/lib/venues/errors";

// Handlers throw; errorResponse() maps once to one JSON shape: { error: { code, message } }.
// Only expected errors reach the client; anything else is a generic 500 with a correlation id and
// the full detail in the server log.

export class ApiError extends Error {
  override name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { venueCode?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
  }
}

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
};

export function errorResponse(err: unknown): Response {
  if (err instanceof ApiError) {
    return json(
      err.status,
      { error: { code: err.code, message: err.message, venueCode: err.extra.venueCode } },
      err.extra.retryAfterMs,
    );
  }
  if (err instanceof VenueError) {
    const [status, code] = VENUE_STATUS[err.kind];
    return json(
      status,
      { error: { code, message: err.message, venueCode: err.details.venueCode } },
      err.details.retryAfterMs,
    );
  }
  const correlationId = randomUUID();
  log.error({ err, correlationId }, "unhandled error in request handler");
  return json(500, { error: { code: "internal", message: "internal error", correlationId } });
}
