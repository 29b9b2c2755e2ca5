import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from "node:crypto";
import type { SimAccountSpec, SimKeyType } from "@/simulator/types";

// Signature primitives shared by the venue auth modules. Each venue decides *what* bytes are
// signed and how the signature travels; this file only answers "does this signature match these
// exact bytes for this account's key". Only node:crypto, no re-serialisation of anything.

export type AccountCredentials =
  { keyType: "hmac"; secret: string } | { keyType: "rsa" | "ed25519"; publicKey: KeyObject };

/**
 * Parses an account's key material once, at start: a bad PEM or a PEM of the wrong algorithm must
 * fail the simulator start loudly rather than turn every request into a signature error.
 */
export function credentialsOf(spec: SimAccountSpec): AccountCredentials {
  const keyType: SimKeyType = spec.keyType ?? "hmac";
  if (keyType === "hmac") return { keyType, secret: spec.secret };
  if (!spec.publicKeyPem)
    throw new Error(`account ${spec.id}: keyType ${keyType} needs publicKeyPem`);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(spec.publicKeyPem);
  } catch (err) {
    throw new Error(`account ${spec.id}: publicKeyPem is not a usable key (${String(err)})`);
  }
  // "rsa-pss" keys would verify with a different padding than the venues use: refuse them.
  if (publicKey.asymmetricKeyType !== keyType) {
    throw new Error(
      `account ${spec.id}: publicKeyPem is ${publicKey.asymmetricKeyType ?? "unknown"}, keyType says ${keyType}`,
    );
  }
  return { keyType, publicKey };
}

/** Lowercase hex HMAC-SHA256 over the raw bytes, compared in constant time. */
export function hmacHexMatches(secret: string, payload: Buffer, given: string): boolean {
  const expected = Buffer.from(
    createHmac("sha256", secret).update(payload).digest("hex"),
    "latin1",
  );
  const actual = Buffer.from(given, "latin1");
  if (actual.length !== expected.length) {
    // Keep the timing independent of where the mismatch is, even for the length check.
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(actual, expected);
}

/**
 * Key-pair signature in base64: RSASSA-PKCS1-v1_5 with SHA-256 for RSA keys, pure Ed25519 for
 * Ed25519 keys. Only canonical base64 is accepted: Buffer's decoder silently ignores stray
 * characters and unused trailing bits, so a tampered last character could otherwise still verify.
 */
export function keyPairMatches(publicKey: KeyObject, payload: Buffer, base64: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return false;
  const signature = Buffer.from(base64, "base64");
  if (signature.toString("base64") !== base64) return false;
  try {
    const algorithm = publicKey.asymmetricKeyType === "ed25519" ? null : "sha256";
    return verify(algorithm, payload, publicKey, signature);
  } catch {
    // A signature of the wrong length for the key makes some backends throw instead of fail.
    return false;
  }
}
