import "server-only";
import { createHmac } from "node:crypto";

// OKX v5 signs timestamp + METHOD + requestPath + body, where requestPath carries the "?query"
// for GET and body is the exact JSON bytes sent for POST ("" for GET). The signature is the
// base64 of the raw HMAC-SHA256 digest (not of its hex form, a common client bug). Pinned by the
// known-answer vectors of docs/venues.md#okx-signing (tests/unit/okx-sign.test.ts).

/** ISO 8601 UTC with milliseconds, e.g. 2020-12-08T09:08:57.715Z: the only form OKX accepts. */
export function okxTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function okxPrehash(
  timestamp: string,
  method: "GET" | "POST",
  requestPath: string,
  body: string,
): string {
  return `${timestamp}${method}${requestPath}${body}`;
}

export function signOkxHmac(secret: string, prehash: string): string {
  return createHmac("sha256", secret).update(prehash, "utf8").digest("base64");
}
