import type { VenueErrorKind } from "@/lib/venues/errors";
import { VenueError } from "@/lib/venues/errors";

// Bybit answers {"retCode": <int>, "retMsg": "..."}; retCode 0 is success. Codes and where each
// is documented: docs/venues.md#bybit-errors.
const KIND_BY_CODE: Record<number, VenueErrorKind> = {
  10002: "clock",
  10003: "auth",
  10004: "signature",
  10005: "auth",
  10010: "auth",
  10006: "rate_limited",
  110062: "not_enabled",
  110065: "not_enabled",
  3500713: "not_enabled",
};

const LABEL_BY_KIND: Partial<Record<VenueErrorKind, string>> = {
  clock: "timestamp outside recv_window",
  signature: "invalid signature",
  auth: "API key rejected (key, IP or permission)",
  rate_limited: "rate limited",
  not_enabled: "MMP not enabled",
};

export function bybitError(
  code: number,
  msg: string,
  httpStatus: number,
  retryAfterMs?: number,
): VenueError {
  const kind = KIND_BY_CODE[code] ?? "rejected";
  const label = LABEL_BY_KIND[kind] ?? "request rejected";
  return new VenueError(kind, `Bybit: ${label} (${code}): ${msg}`, {
    venueCode: String(code),
    venueMessage: msg,
    httpStatus,
    retryAfterMs,
  });
}
