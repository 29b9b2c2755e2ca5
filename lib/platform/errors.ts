import "server-only";

// A request refused for a reason the caller should hear (bad input, no permission, nothing to
// reset…). Thrown by any layer; the HTTP edge (lib/http/errors.ts) turns it into the one JSON
// error shape.
export class AppError extends Error {
  override name = "AppError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { venueCode?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
  }
}
