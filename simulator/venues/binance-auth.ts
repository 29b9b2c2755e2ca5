import { headerValue, type SimRequest, type SimResponse } from "@/simulator/http";
import { hmacHexMatches, keyPairMatches, type AccountCredentials } from "@/simulator/signatures";
import type { AccountState, SimState } from "@/simulator/state";

// Binance SIGNED (USER_DATA) request checks, byte for byte as the venue documents them:
//   totalParams = raw query string + raw body (no "&" between), "signature" last,
//   signature = lowercase hex HMAC-SHA256(secret, totalParams without "&signature=…"),
//   or, for key-pair API keys, URL-encoded base64 of an RSA (PKCS#1 v1.5, SHA-256) or Ed25519
//   signature over the same totalParams bytes.
// We never decode, re-order or re-encode before hashing: a client that signs anything other than
// the exact bytes it sends must fail here as it would on the real venue.

const RECV_WINDOW_DEFAULT = 5000;
const RECV_WINDOW_MAX_EXCLUSIVE = 60_000;

export function binanceError(status: number, code: number, msg: string): SimResponse {
  return { status, body: { code, msg }, venueCode: code };
}

const mandatory = (name: string) =>
  binanceError(
    400,
    -1102,
    `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
  );
const badSignature = () => binanceError(400, -1022, "Signature for this request is not valid.");
const invalidKey = () =>
  binanceError(401, -2015, "Invalid API-key, IP, or permissions for action.");

export type BinanceAuth =
  | { ok: true; account: AccountState; params: Map<string, string> }
  | { ok: false; response: SimResponse };

export function authenticateBinance(
  req: SimRequest,
  state: SimState,
  serverTime: number,
): BinanceAuth {
  const fail = (response: SimResponse): BinanceAuth => ({ ok: false, response });

  const apiKey = headerValue(req.headers, "x-mbx-apikey");
  if (!apiKey) return fail(invalidKey());
  const account = state.account(apiKey);
  if (!account || account.venue !== "binance") {
    // Keys are alphanumeric on Binance; anything else cannot even be looked up.
    return fail(
      /^[A-Za-z0-9]{1,256}$/.test(apiKey)
        ? invalidKey()
        : binanceError(401, -2014, "API-key format invalid."),
    );
  }

  // latin1 maps every byte to one char, so the HMAC below covers exactly the received bytes.
  const rawBody = req.body.toString("latin1");
  const params = mergeParams(req.rawQuery, rawBody);
  if (params === "duplicate") {
    return fail(binanceError(400, -1101, "Duplicate values for a parameter detected."));
  }

  const timestamp = params.get("timestamp");
  if (!timestamp) return fail(mandatory("timestamp"));
  if (!/^\d{1,20}$/.test(timestamp)) return fail(illegal("timestamp"));
  const recvWindowRaw = params.get("recvWindow");
  if (recvWindowRaw !== undefined && !/^\d{1,20}$/.test(recvWindowRaw)) {
    return fail(illegal("recvWindow"));
  }
  const recvWindow = recvWindowRaw === undefined ? RECV_WINDOW_DEFAULT : Number(recvWindowRaw);
  if (recvWindow >= RECV_WINDOW_MAX_EXCLUSIVE) {
    return fail(binanceError(400, -1131, "recvWindow must be less than 60000."));
  }

  const split = splitSignature(req.rawQuery, rawBody);
  if (split === "missing") return fail(mandatory("signature"));
  if (split === "not-last") return fail(badSignature());
  if (!signatureMatches(account.credentials, split.payload, split.signature)) {
    return fail(badSignature());
  }

  // Checked after the signature so an unsigned probe learns nothing about our clock.
  const ts = Number(timestamp);
  if (!(ts < serverTime + 1000 && serverTime - ts <= recvWindow)) {
    return fail(
      binanceError(400, -1021, "Timestamp for this request is outside of the recvWindow."),
    );
  }
  params.delete("signature");
  return { ok: true, account, params };
}

function illegal(name: string): SimResponse {
  return binanceError(
    400,
    -1100,
    `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`,
  );
}

/** Query and body params together; a name sent twice is rejected like the venue does. */
function mergeParams(rawQuery: string, rawBody: string): Map<string, string> | "duplicate" {
  const out = new Map<string, string>();
  for (const part of [rawQuery, rawBody]) {
    for (const [k, v] of new URLSearchParams(part)) {
      if (out.has(k)) return "duplicate";
      out.set(k, v);
    }
  }
  return out;
}

type Split = { payload: string; signature: string } | "missing" | "not-last";

/**
 * The signature is the last parameter of the body when there is one, else of the query. The
 * signed payload is everything before its "&" (query + body, with the body part trimmed).
 */
function splitSignature(rawQuery: string, rawBody: string): Split {
  const inBody = rawBody.length > 0;
  const text = inBody ? rawBody : rawQuery;
  const amp = text.lastIndexOf("&");
  const last = text.slice(amp + 1);
  if (!last.startsWith("signature=")) {
    const anywhere = /(^|&)signature=/.test(rawQuery) || /(^|&)signature=/.test(rawBody);
    return anywhere ? "not-last" : "missing";
  }
  const signature = last.slice("signature=".length);
  if (!signature) return "missing";
  const prefix = amp < 0 ? "" : text.slice(0, amp);
  return { payload: inBody ? rawQuery + prefix : prefix, signature };
}

function signatureMatches(cred: AccountCredentials, payload: string, signature: string): boolean {
  const bytes = Buffer.from(payload, "latin1");
  if (cred.keyType === "hmac") return hmacHexMatches(cred.secret, bytes, signature);
  // Base64 travels URL-encoded; only the signature value is decoded (form rules: "+" is a space,
  // so a client that forgets to encode "+" fails here as on the venue). The payload stays raw.
  let decoded: string;
  try {
    decoded = decodeURIComponent(signature.replace(/\+/g, " "));
  } catch {
    return false;
  }
  return keyPairMatches(cred.publicKey, bytes, decoded);
}
