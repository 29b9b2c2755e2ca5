import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { headerValue, type SimRequest } from "@/simulator/http";
import { hmacHexMatches } from "@/simulator/signatures";
import type { AccountState, SimState } from "@/simulator/state";

// Deribit v2 authentication, as the venue documents it:
// - public/auth grants: client_credentials (client_id + client_secret), client_signature
//   (hex HMAC-SHA256(secret, timestamp + "\n" + nonce + "\n" + data)) and refresh_token;
//   answers access_token, expires_in (seconds), refresh_token.
// - private HTTP calls: "Authorization: Bearer <access_token>", or per request
//   "Authorization: deri-hmac-sha256 id=…,ts=…,sig=…,nonce=…" with sig = hex HMAC-SHA256(secret,
//   ts \n nonce \n METHOD \n URI-with-query \n body \n) over the raw bytes received.
// Timestamps are valid within 60 s of the venue clock; a nonce is single-use within that window.

const SIGNATURE_WINDOW_MS = 60_000;
/** Deribit's default access-token lifetime (15 minutes); scope "expires:N" overrides it. */
const TOKEN_TTL_S = 900;
const REFRESH_TTL_S = 30 * 86_400;

/** A JSON-RPC error the caller turns into the venue's error envelope. */
export interface RpcFailure {
  code: number;
  message: string;
  data?: { reason: string; param?: string };
}

export type AuthOutcome = { ok: true; account: AccountState } | { ok: false; failure: RpcFailure };

const fail = (code: number, message: string, reason?: string, param?: string): AuthOutcome => ({
  ok: false,
  failure: { code, message, ...(reason ? { data: { reason, ...(param ? { param } : {}) } } : {}) },
});
const invalidCredentials = () => fail(13004, "invalid_credentials");
const unauthorized = (reason: string, param?: string) => fail(13009, "unauthorized", reason, param);

interface Token {
  apiKey: string;
  /** Venue-clock ms. */
  expiresAt: number;
}

/** Issued access and refresh tokens; forgotten on POST /__sim/restore. */
export class DeribitTokens {
  private access = new Map<string, Token>();
  private refresh = new Map<string, Token>();

  issue(apiKey: string, now: number, ttlS: number) {
    const accessToken = `${now}.${randomBytes(18).toString("base64url")}`;
    const refreshToken = `${now}.${randomBytes(18).toString("base64url")}`;
    this.access.set(accessToken, { apiKey, expiresAt: now + ttlS * 1000 });
    this.refresh.set(refreshToken, { apiKey, expiresAt: now + REFRESH_TTL_S * 1000 });
    return {
      access_token: accessToken,
      expires_in: ttlS,
      refresh_token: refreshToken,
      scope: "connection mainaccount trade:read_write",
      token_type: "bearer",
      enabled_features: [],
    };
  }

  /** The API key behind a live access token; null for unknown or expired ones. */
  accessKey(token: string, now: number): string | null {
    const t = this.access.get(token);
    return t && now < t.expiresAt ? t.apiKey : null;
  }

  /** Claimed API key, live or not: for the request log and fault matching only. */
  claimedKey(token: string): string | null {
    return this.access.get(token)?.apiKey ?? null;
  }

  /**
   * Ends an access token's session (Deribit's 10028 does): refused from now on exactly like an
   * expired one, but still claimed in the request log, so a test sees whose call was refused.
   */
  revoke(token: string): void {
    const t = this.access.get(token);
    if (t) t.expiresAt = Number.NEGATIVE_INFINITY;
  }

  /** Refresh tokens are single-use: redeeming one retires it. */
  redeem(token: string, now: number): string | null {
    const t = this.refresh.get(token);
    this.refresh.delete(token);
    return t && now < t.expiresAt ? t.apiKey : null;
  }

  clear(): void {
    this.access = new Map();
    this.refresh = new Map();
  }
}

/** Nonces seen within the signature window, per client id: a replay is refused. */
export class NonceLog {
  private seen = new Map<string, number>();

  /** False when (apiKey, nonce) was already used inside the window. */
  claim(apiKey: string, nonce: string, now: number): boolean {
    for (const [k, at] of this.seen) if (now - at > SIGNATURE_WINDOW_MS) this.seen.delete(k);
    const key = `${apiKey}\n${nonce}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, now);
    return true;
  }

  clear(): void {
    this.seen = new Map();
  }
}

export interface AuthDeps {
  state: SimState;
  tokens: DeribitTokens;
  nonces: NonceLog;
  now: number;
}

function deribitAccount(state: SimState, clientId: unknown): AccountState | null {
  if (typeof clientId !== "string") return null;
  const account = state.account(clientId);
  return account?.venue === "deribit" ? account : null;
}

/** Constant-time equality of two strings of any length (both hashed first). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(a), digest(b));
}

const secretOf = (a: AccountState) =>
  a.credentials.keyType === "hmac" ? a.credentials.secret : "";

/** Timestamp within the window, then the nonce: shared by both signature schemes. */
function freshness(
  account: AccountState,
  ts: number,
  nonce: string,
  param: string,
  d: AuthDeps,
): AuthOutcome {
  if (!Number.isSafeInteger(ts) || Math.abs(d.now - ts) > SIGNATURE_WINDOW_MS) {
    return unauthorized(`timestamp outside the ${SIGNATURE_WINDOW_MS / 1000} s window`, param);
  }
  if (!d.nonces.claim(account.apiKey, nonce, d.now)) return unauthorized("nonce already used");
  return { ok: true, account };
}

/** Expiry as the venue's scope "expires:N" asks, else the default lifetime. */
export function tokenTtl(scope: unknown): number {
  const m = typeof scope === "string" ? /(?:^|\s)expires:(\d{1,7})(?:\s|$)/.exec(scope) : null;
  return m ? Math.max(1, Number(m[1])) : TOKEN_TTL_S;
}

/** public/auth over HTTP or websocket. Checks the credential, then (signature) the freshness. */
export function authenticateGrant(params: Record<string, unknown>, d: AuthDeps): AuthOutcome {
  switch (params.grant_type) {
    case "client_credentials": {
      const account = deribitAccount(d.state, params.client_id);
      const secret = typeof params.client_secret === "string" ? params.client_secret : "";
      if (!account || !sameSecret(secretOf(account), secret)) return invalidCredentials();
      return { ok: true, account };
    }
    case "client_signature": {
      const account = deribitAccount(d.state, params.client_id);
      if (!account) return invalidCredentials();
      const { timestamp, nonce, signature } = params;
      const data = params.data ?? "";
      if (typeof nonce !== "string" || typeof signature !== "string" || typeof data !== "string") {
        return fail(-32602, "Invalid params", "nonce, signature and data must be strings");
      }
      const ts = typeof timestamp === "string" ? Number(timestamp) : timestamp;
      if (typeof ts !== "number")
        return fail(-32602, "Invalid params", "timestamp required", "timestamp");
      const signed = Buffer.from(`${String(timestamp)}\n${nonce}\n${data}`, "utf8");
      if (!hmacHexMatches(secretOf(account), signed, signature)) {
        return unauthorized("invalid signature");
      }
      return freshness(account, ts, nonce, "timestamp", d);
    }
    case "refresh_token": {
      const key =
        typeof params.refresh_token === "string"
          ? d.tokens.redeem(params.refresh_token, d.now)
          : null;
      const account = key ? deribitAccount(d.state, key) : null;
      return account
        ? { ok: true, account }
        : unauthorized("invalid or expired refresh_token", "refresh_token");
    }
    default:
      return fail(
        -32602,
        "Invalid params",
        "grant_type must be client_credentials, client_signature or refresh_token",
        "grant_type",
      );
  }
}

/** Parses `deri-hmac-sha256 id=…,ts=…,sig=…,nonce=…` (spaces after commas tolerated). */
function parseHmacHeader(value: string): Record<string, string> | null {
  const m = /^deri-hmac-sha256\s+(.+)$/i.exec(value);
  if (!m?.[1]) return null;
  const fields: Record<string, string> = {};
  for (const part of m[1].split(",")) {
    const eq = part.indexOf("=");
    if (eq < 1) return null;
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return fields.id && fields.ts && fields.sig && fields.nonce ? fields : null;
}

/** The access token of a `Authorization: Bearer` request; null for signed or anonymous ones. */
export function bearerToken(req: SimRequest): string | null {
  const auth = headerValue(req.headers, "authorization") ?? "";
  return /^Bearer\s+(\S+)$/i.exec(auth)?.[1] ?? null;
}

/** The API key a request claims (unverified): for the request log and fault matching. */
export function claimedApiKey(req: SimRequest, tokens: DeribitTokens): string | null {
  const bearer = bearerToken(req);
  if (bearer) return tokens.claimedKey(bearer);
  return parseHmacHeader(headerValue(req.headers, "authorization") ?? "")?.id ?? null;
}

/**
 * A private HTTP call. Signature header: client id (13004), signature over the raw bytes
 * (13009 "invalid signature"), then timestamp window and nonce (13009 with data.param "ts"), so
 * an unsigned probe learns nothing about the clock. Bearer: a live token (13009).
 */
export function authenticateHttp(req: SimRequest, d: AuthDeps): AuthOutcome {
  const auth = headerValue(req.headers, "authorization");
  if (!auth) return unauthorized("authorization header missing");
  const bearer = bearerToken(req);
  if (bearer) {
    const account = deribitAccount(d.state, d.tokens.accessKey(bearer, d.now));
    return account
      ? { ok: true, account }
      : unauthorized("invalid or expired token", "access_token");
  }
  const h = parseHmacHeader(auth);
  if (!h) return unauthorized("malformed authorization header");
  const account = deribitAccount(d.state, h.id);
  if (!account) return invalidCredentials();
  const uri = req.rawQuery ? `${req.path}?${req.rawQuery}` : req.path;
  const signed = Buffer.concat([
    Buffer.from(`${h.ts}\n${h.nonce}\n${req.method}\n${uri}\n`, "latin1"),
    req.body,
    Buffer.from("\n", "latin1"),
  ]);
  if (!hmacHexMatches(secretOf(account), signed, h.sig ?? ""))
    return unauthorized("invalid signature");
  const ts = /^\d{1,16}$/.test(h.ts ?? "") ? Number(h.ts) : NaN;
  return freshness(account, ts, h.nonce ?? "", "ts", d);
}

/**
 * The JSON-RPC envelope of every answer, over HTTP and websocket alike. `id` echoes the
 * request's (absent for GET, which has none); usIn/usOut are venue-clock microseconds.
 */
export function rpcEnvelope(
  id: unknown,
  body: { result: unknown } | { error: RpcFailure },
  now: number,
) {
  return {
    jsonrpc: "2.0",
    ...(id !== undefined ? { id } : {}),
    ...body,
    usIn: now * 1000,
    usOut: now * 1000,
    usDiff: 0,
    testnet: true,
  };
}
