import type { VenueErrorKind } from "@/lib/venues/errors";
import { VenueError } from "@/lib/venues/errors";

// Binance answers errors as {"code": <negative int>, "msg": "..."}; codes from
// docs/venues.md#binance-errors.
const KIND_BY_CODE: Record<number, VenueErrorKind> = {
  [-1021]: "clock",
  [-1022]: "signature",
  [-2014]: "auth",
  [-2015]: "auth",
  [-1002]: "auth",
  [-1008]: "rate_limited",
  [-1003]: "rate_limited",
  [-1128]: "bad_scope",
  [-6003]: "bad_scope",
  [-6004]: "bad_scope",
  [-6005]: "not_enabled",
  [-6006]: "not_enabled",
};

// Codes whose kind alone would not say what went wrong (venues.md 2026-11).
const LABEL_BY_CODE: Record<number, string> = {
  [-6001]: "invalid MMP window (must be 1–5000 ms)",
  [-6002]: "invalid MMP frozen time",
  [-6007]: "MMP unknown error at the venue",
  [-2010]: "order rejected: the countdown cancel-all has fired",
};

const LABEL_BY_KIND: Partial<Record<VenueErrorKind, string>> = {
  clock: "timestamp outside recvWindow",
  signature: "invalid signature",
  auth: "API key rejected (key, IP or permission)",
  rate_limited: "rate limited",
  bad_scope: "unknown underlying",
  not_enabled: "MMP not enabled",
};

export function binanceError(code: number, msg: string, httpStatus: number): VenueError {
  const kind = KIND_BY_CODE[code] ?? "rejected";
  const label = LABEL_BY_CODE[code] ?? LABEL_BY_KIND[kind] ?? "request rejected";
  return new VenueError(kind, `Binance: ${label} (${code}): ${msg}`, {
    venueCode: String(code),
    venueMessage: msg,
    httpStatus,
  });
}
