import { generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Credentials } from "@/lib/config/load";
import { Secret } from "@/lib/config/secret";
import { binanceSignature } from "@/lib/venues/binance/sign";
import { bybitSignature } from "@/lib/venues/bybit/sign";
import { VenueError } from "@/lib/venues/errors";

// Key-pair signatures verify with the matching public key, and not with another one.
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const otherRsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ed = generateKeyPairSync("ed25519");
const pem = (k: { privateKey: import("node:crypto").KeyObject }) =>
  k.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const creds = (keyType: Credentials["keyType"], secret: string): Credentials => ({
  apiKey: "k",
  apiSecret: new Secret(secret),
  passphrase: null,
  keyType,
});
const payload = "underlying=BTCUSDT&recvWindow=5000&timestamp=1499827319559";

describe("key-pair signing", () => {
  it("Binance RSA: URL-encoded base64 PKCS#1 v1.5 SHA-256 that verifies", () => {
    const sig = binanceSignature(creds("rsa", pem(rsa)), payload);
    expect(sig).not.toMatch(/[+/=]/);
    const raw = Buffer.from(decodeURIComponent(sig), "base64");
    expect(verify("sha256", Buffer.from(payload), rsa.publicKey, raw)).toBe(true);
    expect(verify("sha256", Buffer.from(payload), otherRsa.publicKey, raw)).toBe(false);
    expect(verify("sha256", Buffer.from(`${payload}0`), rsa.publicKey, raw)).toBe(false);
  });

  it("Binance Ed25519: URL-encoded base64 that verifies", () => {
    const sig = binanceSignature(creds("ed25519", pem(ed)), payload);
    const raw = Buffer.from(decodeURIComponent(sig), "base64");
    expect(verify(null, Buffer.from(payload), ed.publicKey, raw)).toBe(true);
    expect(verify(null, Buffer.from("x"), ed.publicKey, raw)).toBe(false);
  });

  it("Bybit RSA: plain base64 that verifies", () => {
    const signed = '1675842997277key5000{"baseCoin":"ETH"}';
    const sig = bybitSignature(creds("rsa", pem(rsa)), signed);
    expect(verify("sha256", Buffer.from(signed), rsa.publicKey, Buffer.from(sig, "base64"))).toBe(
      true,
    );
  });

  it("a key of the wrong type or not a PEM is a clear auth error, without the key in the message", () => {
    const wrong = (() => {
      try {
        binanceSignature(creds("rsa", pem(ed)), payload);
      } catch (e) {
        return e;
      }
    })();
    expect(wrong).toBeInstanceOf(VenueError);
    expect((wrong as VenueError).message).toMatch(/ed25519, not rsa/);
    const notAKeyFixture = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----";
    const err = (() => {
      try {
        bybitSignature(creds("rsa", notAKeyFixture), payload);
      } catch (e) {
        return e;
      }
    })();
    expect((err as VenueError).kind).toBe("auth");
    expect((err as VenueError).message).not.toContain("not a key");
  });
});
