import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import type { Credentials } from "@/lib/config/load";
import { VenueError } from "@/lib/venues/errors";

// Deribit's two signature schemes, both hex HMAC-SHA256 with the client secret. Pinned by the
// known-answer vectors of docs/venues.md#deribit-signing (tests/unit/deribit-sign.test.ts).
//   HTTP header: ts \n nonce \n METHOD \n URI-with-query \n body \n   (the exact bytes sent)
//   public/auth client_signature: ts \n nonce \n data

export function deribitHttpPayload(
  timestamp: number,
  nonce: string,
  method: string,
  uri: string,
  body: string,
): string {
  return `${timestamp}\n${nonce}\n${method.toUpperCase()}\n${uri}\n${body}\n`;
}

export function deribitWsPayload(timestamp: number, nonce: string, data: string): string {
  return `${timestamp}\n${nonce}\n${data}`;
}

export function signDeribit(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload, "utf8").digest("hex");
}

/** The secret, for HMAC only: Deribit keys in this desk are client id + client secret. */
export function deribitSecret(credentials: Credentials): string {
  if (credentials.keyType !== "hmac") {
    throw new VenueError(
      "auth",
      "Deribit: only client id + client secret (HMAC) keys are supported",
    );
  }
  return credentials.apiSecret.reveal();
}

export function deribitAuthorization(
  clientId: string,
  timestamp: number,
  signature: string,
  nonce: string,
): string {
  return `deri-hmac-sha256 id=${clientId},ts=${timestamp},sig=${signature},nonce=${nonce}`;
}

/** A fresh single-use nonce; hex so it can never contain the header's "," or "=". */
export const newNonce = (): string => randomBytes(8).toString("hex");
