import "server-only";
import { createHmac } from "node:crypto";

// Binance signs totalParams = query string immediately followed by the request body (no "&"
// between them), as lowercase hex HMAC-SHA256 with the API secret. Pinned by the known-answer
// vectors in venues.md (tests/unit/binance-sign.test.ts).
export function signBinance(secret: string, totalParams: string): string {
  return createHmac("sha256", secret).update(totalParams, "utf8").digest("hex");
}
