import "server-only";
import { createHmac } from "node:crypto";
import type { Credentials } from "@/lib/config/load";
import { signWithKeyPair } from "@/lib/venues/key-pair";

// Bybit v5 signs timestamp + apiKey + recvWindow + (the exact query string sent, for GET | the
// exact JSON body bytes sent, for POST). HMAC → lowercase hex; RSA keys → base64. Pinned by the
// known-answer vectors of docs/venues.md#bybit-signing (tests/unit/bybit-sign.test.ts).
export function bybitPayload(
  timestamp: number,
  apiKey: string,
  recvWindow: number,
  queryOrBody: string,
): string {
  return `${timestamp}${apiKey}${recvWindow}${queryOrBody}`;
}

export function signBybitHmac(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload, "utf8").digest("hex");
}

export function bybitSignature(credentials: Credentials, payload: string): string {
  if (credentials.keyType === "hmac") return signBybitHmac(credentials.apiSecret.reveal(), payload);
  return signWithKeyPair(credentials.apiSecret, "rsa", payload);
}
