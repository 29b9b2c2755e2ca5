import "server-only";
import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import type { Secret } from "@/lib/config/secret";
import { VenueError } from "@/lib/venues/errors";

// Key-pair signing (RSA PKCS#1 v1.5 SHA-256, or Ed25519), for accounts whose "secret" environment
// variable holds a PEM private key. Parsed keys are cached per Secret, so a PEM is parsed once.

const parsed = new WeakMap<Secret, KeyObject>();

function privateKey(pem: Secret, type: "rsa" | "ed25519"): KeyObject {
  let key = parsed.get(pem);
  if (!key) {
    try {
      key = createPrivateKey(pem.reveal());
    } catch {
      throw new VenueError(
        "auth",
        "the configured private key cannot be read (expected a PEM private key)",
      );
    }
    parsed.set(pem, key);
  }
  if (key.asymmetricKeyType !== type) {
    throw new VenueError(
      "auth",
      `the configured private key is ${key.asymmetricKeyType ?? "unknown"}, not ${type}`,
    );
  }
  return key;
}

/** Base64 signature over the payload with the account's private key. */
export function signWithKeyPair(pem: Secret, type: "rsa" | "ed25519", payload: string): string {
  const data = Buffer.from(payload, "utf8");
  const key = privateKey(pem, type);
  return sign(type === "rsa" ? "sha256" : null, data, key).toString("base64");
}
