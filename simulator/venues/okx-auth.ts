import { createHmac, timingSafeEqual } from "node:crypto";
import { headerValue, type SimRequest, type SimResponse } from "@/simulator/http";
import type { AccountState, SimState } from "@/simulator/state";

// OKX v5 private request checks, byte for byte as the venue documents them:
//   prehash = OK-ACCESS-TIMESTAMP + METHOD + requestPath (+ "?" + raw query when there is one)
//             + raw body,
//   OK-ACCESS-SIGN = base64 HMAC-SHA256(secret, prehash),
// plus the key's passphrase (OK-ACCESS-PASSPHRASE) and, for demo-trading keys, the header
// `x-simulated-trading: 1`. The path, query and body are hashed exactly as received.

/** How far OK-ACCESS-TIMESTAMP may be from the venue clock, either way. */
const OKX_TIMESTAMP_SKEW_MS = 30_000;

/** ISO 8601 UTC with exactly three fraction digits, as OKX requires. */
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The envelope every answer uses; `code` is a string, "0" on success. */
export function okxEnvelope(code: string, msg: string, data: unknown[] = []) {
  return { code, msg, data };
}

export function okxOk(data: unknown[]): SimResponse {
  return { status: 200, body: okxEnvelope("0", "", data), venueCode: null };
}

/**
 * OKX's HTTP statuses: 401 for the 501xx auth family, 429 for 50011, 400 for malformed requests
 * (50002/50014), and 200 for business rejections (51xxx) — the code in the body says what it is.
 */
export function okxError(code: string, msg: string, status = 200): SimResponse {
  return { status, body: okxEnvelope(code, msg), venueCode: code };
}

/** Per-account facts the neutral state does not hold (from SimAccountSpec). */
export interface OkxKeyFacts {
  passphrase: string;
  demoTrading: boolean;
}

export type OkxAuth = { ok: true; account: AccountState } | { ok: false; response: SimResponse };

/** Constant-time string equality (passphrase, signature), also for different lengths. */
function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  if (a.length !== b.length) {
    // Keep the timing independent of where the mismatch is, even for the length check.
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * Checks, in this order: headers present (50103/50104/50106/50107), key known and an OKX key
 * (50111), passphrase (50105), timestamp format (50112) and ±30 s of the venue clock (50102),
 * signature over the raw bytes (50113), then the environment (50101: demo header on a live key or
 * missing on a demo key). The environment comes last so an unsigned probe cannot learn whether a
 * key is a demo key; the timestamp comes before the signature as on Bybit (its rejection discloses
 * nothing a public /time call does not).
 */
export function authenticateOkx(
  req: SimRequest,
  state: SimState,
  facts: (apiKey: string) => OkxKeyFacts | undefined,
  serverTime: number,
): OkxAuth {
  const fail = (code: string, msg: string): OkxAuth => ({
    ok: false,
    response: okxError(code, msg, 401),
  });

  const apiKey = headerValue(req.headers, "ok-access-key") ?? "";
  const passphrase = headerValue(req.headers, "ok-access-passphrase") ?? "";
  const sign = headerValue(req.headers, "ok-access-sign") ?? "";
  const timestamp = headerValue(req.headers, "ok-access-timestamp") ?? "";
  if (!apiKey) return fail("50103", 'Request header "OK-ACCESS-KEY" can not be empty.');
  if (!passphrase) return fail("50104", 'Request header "OK-ACCESS-PASSPHRASE" can not be empty.');
  if (!sign) return fail("50106", 'Request header "OK-ACCESS-SIGN" can not be empty.');
  if (!timestamp) return fail("50107", 'Request header "OK-ACCESS-TIMESTAMP" can not be empty.');

  const account = state.account(apiKey);
  const keyFacts = facts(apiKey);
  if (!account || account.venue !== "okx" || !keyFacts || account.credentials.keyType !== "hmac")
    return fail("50111", "Invalid OK-ACCESS-KEY");

  if (!safeEqual(passphrase, keyFacts.passphrase))
    return fail("50105", 'Request header "OK-ACCESS-PASSPHRASE" incorrect.');

  const ts = Date.parse(timestamp);
  if (!ISO_MS.test(timestamp) || Number.isNaN(ts))
    return fail("50112", "Invalid OK-ACCESS-TIMESTAMP");
  if (Math.abs(ts - serverTime) > OKX_TIMESTAMP_SKEW_MS)
    return fail("50102", "Timestamp request expired");

  // latin1 maps every header/target char to one byte; the body is the raw bytes as received.
  const requestPath = `${req.path}${req.rawQuery ? `?${req.rawQuery}` : ""}`;
  const prehash = Buffer.concat([
    Buffer.from(`${timestamp}${req.method}${requestPath}`, "latin1"),
    req.body,
  ]);
  const expected = createHmac("sha256", account.credentials.secret)
    .update(prehash)
    .digest("base64");
  if (!safeEqual(sign, expected)) return fail("50113", "Invalid Sign");

  const demoHeader = headerValue(req.headers, "x-simulated-trading") === "1";
  if (demoHeader !== keyFacts.demoTrading)
    return fail("50101", "APIKey does not match current environment.");
  return { ok: true, account };
}
