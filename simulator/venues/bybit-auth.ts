import { headerValue, type SimRequest, type SimResponse } from "@/simulator/http";
import { hmacHexMatches, keyPairMatches } from "@/simulator/signatures";
import type { AccountState, SimState } from "@/simulator/state";

// Bybit v5 private request checks, byte for byte as the venue documents them:
//   signed string = X-BAPI-TIMESTAMP + X-BAPI-API-KEY + X-BAPI-RECV-WINDOW
//                   + (raw query string for GET | raw JSON body for POST),
//   X-BAPI-SIGN = lowercase hex HMAC-SHA256(secret, signed string), or base64 RSA-SHA256
//   (PKCS#1 v1.5) for RSA keys.
// The query and body are hashed exactly as received: never parsed and re-serialised first, so a
// client that signs anything but the bytes it sends fails here as it would on the venue.

const RECV_WINDOW_DEFAULT = 5000;

/** The v5 envelope every answer uses, errors included; `time` is the venue clock in ms. */
export function bybitEnvelope(retCode: number, retMsg: string, result: unknown, time: number) {
  return { retCode, retMsg, result, retExtInfo: {}, time };
}

export function bybitOk(result: unknown, time: number, retMsg = "OK"): SimResponse {
  return { status: 200, body: bybitEnvelope(0, retMsg, result, time), venueCode: null };
}

/** Bybit reports almost every failure as HTTP 200 with a non-zero retCode (see README). */
export function bybitError(
  retCode: number,
  retMsg: string,
  time: number,
  status = 200,
): SimResponse {
  return { status, body: bybitEnvelope(retCode, retMsg, {}, time), venueCode: retCode };
}

const invalidKey = (time: number) => bybitError(10003, "API key is invalid.", time);

export type BybitAuth = { ok: true; account: AccountState } | { ok: false; response: SimResponse };

/**
 * Checks, in this order: API key (10003), timestamp and recv window against the venue clock
 * (10002), signature (10004). The timestamp comes before the signature because the venue's 10002
 * message itself discloses server_timestamp, so there is nothing to hide from unsigned probes.
 */
export function authenticateBybit(req: SimRequest, state: SimState, serverTime: number): BybitAuth {
  const fail = (response: SimResponse): BybitAuth => ({ ok: false, response });

  const apiKey = headerValue(req.headers, "x-bapi-api-key");
  const account = apiKey ? state.account(apiKey) : undefined;
  if (!apiKey || !account || account.venue !== "bybit") return fail(invalidKey(serverTime));

  const timestamp = headerValue(req.headers, "x-bapi-timestamp") ?? "";
  // Absent header: the window defaults to 5000, and the signed string carries "" in its place.
  const recvWindowRaw = headerValue(req.headers, "x-bapi-recv-window");
  const recvWindow = recvWindowRaw === undefined ? RECV_WINDOW_DEFAULT : Number(recvWindowRaw);
  const ts = Number(timestamp);
  const wellFormed =
    /^\d{1,20}$/.test(timestamp) &&
    (recvWindowRaw === undefined || /^\d{1,10}$/.test(recvWindowRaw)) &&
    recvWindow > 0;
  if (!wellFormed || !(serverTime - recvWindow <= ts && ts < serverTime + 1000)) {
    return fail(
      bybitError(
        10002,
        "invalid request, please check your server timestamp or recv_window param. " +
          `req_timestamp[${timestamp}],server_timestamp[${serverTime}],recv_window[${recvWindowRaw ?? RECV_WINDOW_DEFAULT}]`,
        serverTime,
      ),
    );
  }

  // latin1 maps every header char to one byte; the payload is the raw bytes as received.
  const payload = req.method === "GET" ? Buffer.from(req.rawQuery, "latin1") : req.body;
  const signed = Buffer.concat([
    Buffer.from(`${timestamp}${apiKey}${recvWindowRaw ?? ""}`, "latin1"),
    payload,
  ]);
  const sign = headerValue(req.headers, "x-bapi-sign") ?? "";
  const cred = account.credentials;
  const good =
    sign.length > 0 &&
    (cred.keyType === "hmac"
      ? hmacHexMatches(cred.secret, signed, sign)
      : keyPairMatches(cred.publicKey, signed, sign));
  if (!good) {
    // The venue echoes what it verified (never the secret): the fastest way to spot a client
    // that signs different bytes from those it sends.
    return fail(
      bybitError(10004, `error sign! origin_string[${signed.toString("utf8")}]`, serverTime),
    );
  }
  return { ok: true, account };
}
