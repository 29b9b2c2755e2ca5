import type { VenueErrorKind } from "@/lib/venues/errors";
import { VenueError } from "@/lib/venues/errors";

// OKX answers {"code": "<string>", "msg": "...", "data": [...]}; code "0" is success. Codes from
// docs/venues.md#okx-errors, with the header errors of the same 501xx family (empty key,
// passphrase, sign or timestamp header; IP not allowed), which mean the same thing to a user: fix
// the key.
const KIND_BY_CODE: Record<string, VenueErrorKind> = {
  "50011": "rate_limited",
  // Expired (50102) or malformed (50112) timestamp: the venue did not act, so a re-sync and one
  // retry is safe (withClockRetry).
  "50102": "clock",
  "50112": "clock",
  "50101": "auth",
  "50103": "auth",
  "50104": "auth",
  "50105": "auth",
  "50106": "auth",
  "50107": "auth",
  "50110": "auth",
  "50111": "auth",
  "50113": "signature",
  "50114": "auth",
  "50120": "auth",
  // "No market-maker permission", answered by mmp-config on an account without MMP (seen by
  // third-party clients; venues.md 2026-11): MMP is off there, not an outage.
  "51035": "not_enabled",
};

// Labels by code where the kind alone would hide what to fix (three different auth problems).
const LABEL_BY_CODE: Record<string, string> = {
  "50101": "API key is for the other environment (live vs demo trading)",
  "50105": "wrong passphrase",
  "50111": "invalid API key",
  "50120": "API key lacks the permission",
  "51035": "no market-maker permission: MMP not enabled",
  // An order-side answer while MMP is frozen; only seen here if a venue reuses it elsewhere.
  "51034": "MMP frozen",
};

const LABEL_BY_KIND: Partial<Record<VenueErrorKind, string>> = {
  clock: "timestamp rejected",
  signature: "invalid signature",
  auth: "API key rejected (key, passphrase, IP or permission)",
  rate_limited: "rate limited",
};

export function okxError(
  code: string,
  msg: string,
  httpStatus: number,
  retryAfterMs?: number,
): VenueError {
  const kind = KIND_BY_CODE[code] ?? "rejected";
  const label = LABEL_BY_CODE[code] ?? LABEL_BY_KIND[kind] ?? "request rejected";
  return new VenueError(kind, `OKX: ${label} (${code}): ${msg}`, {
    venueCode: code,
    venueMessage: msg,
    httpStatus,
    retryAfterMs,
  });
}
