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

/** Bybit's 10004 quotes the string it verified: "error sign! origin_string[<timestamp><API key>
 * <recv_window><payload>]". It helps a developer spot a client that signs other bytes than it
 * sends; to a desk it only shows the account's API key on the row, the wall, the audit trail and
 * the log. The quote goes, the rest of the message stays. */
export function withoutOriginString(msg: string): string {
  const at = msg.indexOf("origin_string");
  return at < 0 ? msg : `${msg.slice(0, at)}origin_string withheld`;
}

export function bybitError(
  code: number,
  venueMsg: string,
  httpStatus: number,
  retryAfterMs?: number,
): VenueError {
  const msg = withoutOriginString(venueMsg);
  const kind = KIND_BY_CODE[code] ?? "rejected";
  const label = LABEL_BY_KIND[kind] ?? "request rejected";
  return new VenueError(kind, `Bybit: ${label} (${code}): ${msg}`, {
    venueCode: String(code),
    venueMessage: msg,
    httpStatus,
    retryAfterMs,
  });
}
