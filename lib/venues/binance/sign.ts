import "server-only";
import { createHmac } from "node:crypto";
import type { Credentials } from "@/lib/config/load";
import { signWithKeyPair } from "@/lib/venues/key-pair";

// Binance signs totalParams = query string immediately followed by the request body (no "&"
// between them). HMAC keys: lowercase hex HMAC-SHA256, pinned by the known-answer vectors of
// docs/venues.md#binance-signing (tests/unit/binance-sign.test.ts). RSA / Ed25519 keys: base64
// signature, which must be URL-encoded where it is sent.
export function signBinance(secret: string, totalParams: string): string {
  return createHmac("sha256", secret).update(totalParams, "utf8").digest("hex");
}

/** The value of the `signature` parameter, ready to append (URL-encoded). */
export function binanceSignature(credentials: Credentials, totalParams: string): string {
  if (credentials.keyType === "hmac")
    return signBinance(credentials.apiSecret.reveal(), totalParams);
  return encodeURIComponent(
    signWithKeyPair(credentials.apiSecret, credentials.keyType, totalParams),
  );
}
