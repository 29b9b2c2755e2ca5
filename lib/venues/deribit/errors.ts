import type { VenueErrorKind } from "@/lib/venues/errors";
import { VenueError } from "@/lib/venues/errors";

// Deribit answers JSON-RPC errors: {"error":{"code":13009,"message":"unauthorized","data":{…}}}.
// Its error tables differ between documentation versions, so codes are mapped by the list in
// docs/venues.md#deribit-errors and the venue's own message (and data.reason) is always carried
// verbatim in the error message, which is what the server logs show.

interface CodeInfo {
  kind: VenueErrorKind;
  label: string;
}

const BAD_AUTH: CodeInfo = { kind: "auth", label: "invalid credentials or signature" };

const BY_CODE: Record<number, CodeInfo> = {
  10000: BAD_AUTH,
  13004: BAD_AUTH,
  13009: BAD_AUTH,
  13021: { kind: "auth", label: "API key lacks the permission (scope trade:read / read_write)" },
  13403: { kind: "auth", label: "API key scope exceeded" },
  10028: {
    kind: "rate_limited",
    label: "venue rate limit: the account's matching-engine credits are used up",
  },
  13040: { kind: "not_enabled", label: "MMP not enabled for this account" },
  13030: { kind: "rejected", label: "rejected by an MMP trigger" },
  13503: { kind: "unavailable", label: "method currently not available" },
  11051: { kind: "unavailable", label: "system maintenance" },
  // venues.md 2026-11: quoting is frozen (MMP fired), and mass quotes are off for the account.
  13043: { kind: "rejected", label: "quotes frozen (MMP fired): reset MMP to quote again" },
  13902: { kind: "rejected", label: "mass quotes disabled for this account" },
};

/** 10028 means the credit pool the account quotes with is empty: every further call drains it
 * again and may end the venue session, so the account's key is left alone this long (the guard
 * blocks it) instead of the usual second. */
export const CREDITS_EMPTY_BACKOFF_MS = 10_000;

// "Not responding / internal error": for a reset the venue may still have acted.
const MAYBE_DONE = new Set([13028, 11094]);

export interface DeribitErrorBody {
  code: number;
  message: string;
  data?: unknown;
}

function reasonOf(data: unknown): { reason?: string; param?: string } {
  if (typeof data !== "object" || data === null) return {};
  const d = data as Record<string, unknown>;
  return {
    reason: typeof d.reason === "string" ? d.reason : undefined,
    param: typeof d.param === "string" ? d.param : undefined,
  };
}

/**
 * Deribit documents no code of its own for a stale timestamp: it rejects the signature as an
 * auth error whose data names the timestamp (param "ts"/"timestamp" or a reason mentioning it).
 * Only that shape is "clock", so withClockRetry re-syncs for it and for nothing else.
 */
function isDeribitClockError(e: DeribitErrorBody): boolean {
  if (BY_CODE[e.code] !== BAD_AUTH) return false;
  const { reason, param } = reasonOf(e.data);
  return param === "ts" || param === "timestamp" || /timestamp/i.test(reason ?? "");
}

export function deribitError(
  e: DeribitErrorBody,
  mutation: boolean,
  httpStatus?: number,
): VenueError {
  const { reason } = reasonOf(e.data);
  const verbatim = reason ? `${e.message} (${reason})` : e.message;
  const details = { venueCode: String(e.code), venueMessage: verbatim, httpStatus };
  if (isDeribitClockError(e)) {
    return new VenueError(
      "clock",
      `Deribit: timestamp outside the venue's window (${e.code}): ${verbatim}`,
      details,
    );
  }
  if (MAYBE_DONE.has(e.code)) {
    return new VenueError(
      mutation ? "unknown_outcome" : "unavailable",
      `Deribit: venue not responding (${e.code}): ${verbatim}`,
      details,
    );
  }
  const info = BY_CODE[e.code] ?? { kind: "rejected", label: "request rejected" };
  return new VenueError(info.kind, `Deribit: ${info.label} (${e.code}): ${verbatim}`, {
    ...details,
    ...(e.code === 10028 ? { retryAfterMs: CREDITS_EMPTY_BACKOFF_MS } : {}),
  });
}
