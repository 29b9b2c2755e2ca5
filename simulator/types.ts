import type { Venue } from "@/lib/model/types";

// Contract of the built-in exchange simulator. It is a real HTTP counterpart: the app talks to it
// exactly as to a venue (same paths, envelopes, signing and timestamp rules). Test-only control
// endpoints live under /__sim/ and are described in simulator/README.md.

export interface SimScopeSpec {
  /** Venue scope key, e.g. Binance underlying "BTCUSDT". */
  scope: string;
  windowMs: number;
  /** 0 = stays frozen until a manual reset. */
  frozenPeriodMs: number;
  qtyLimit: string;
  deltaLimit: string;
  vegaLimit?: string | null;
  /** false = MMP not configured for this scope (venue answers "no MMP rules"). Default true. */
  enabled?: boolean;
  /** Start already triggered at this venue time (ms); "now" = at simulator start. */
  triggeredAt?: number | "now";
}

/** How an account signs: an HMAC secret, or a key pair whose public half the venue holds. */
export type SimKeyType = "hmac" | "rsa" | "ed25519";

export interface SimAccountSpec {
  /** Informative name used in logs and the control API. */
  id: string;
  venue: Venue;
  apiKey: string;
  /** HMAC secret; unused for verification when keyType is "rsa" or "ed25519". */
  secret: string;
  /**
   * Default "hmac". "rsa" (Binance, Bybit) and "ed25519" (Binance only) verify signatures with
   * publicKeyPem instead of secret.
   */
  keyType?: SimKeyType;
  /** PEM public key (SPKI, or PKCS#1 for RSA) registered with the venue; required for key pairs. */
  publicKeyPem?: string;
  /**
   * false = MMP is not enabled for the whole account (not granted by the venue): Bybit answers
   * every mmp-* call with retCode 3500713. Default true.
   */
  mmpEnabled?: boolean;
  /** OKX: the API key's passphrase (required for OKX accounts; 50105 when it does not match). */
  passphrase?: string;
  /**
   * OKX: a demo-trading key. Its requests must carry `x-simulated-trading: 1`; a live key's must
   * not (50101 either way). Default false.
   */
  demoTrading?: boolean;
  scopes: SimScopeSpec[];
  /** The account's dead-man switch as the venue reports it (read-only endpoints; default: off / not configured). */
  deadMan?: SimDeadManSpec;
}

export interface SimDeadManSpec {
  /** Binance: armed countdown cancel-all per underlying, in ms (an underlying not listed is off). */
  binanceCountdowns?: Record<string, number>;
  /** Bybit: DCP per product as query-dcp-info lists it; absent or [] = DCP never configured (empty dcpInfos). */
  bybitDcp?: { product: string; dcpStatus: "ON" | "OFF"; timeWindowSec: number }[];
  /** Deribit: cancel-on-disconnect default for new connections (scope "account"). Default false. */
  deribitCancelOnDisconnect?: boolean;
}

/** Live dead-man state of one account, as POST /__sim/deadman answers it (every field set). */
export type SimDeadManState = Required<SimDeadManSpec>;

/**
 * A call a risk dashboard must never make (it arms, feeds or changes a dead-man switch), as
 * GET /__sim/forbidden lists it. Recorded whether or not the request was authenticated.
 */
export interface SimForbiddenCall {
  /** Wall-clock ms (no venue skew) when the call arrived. */
  at: number;
  venue: Venue;
  /** HTTP method, or "WS" for a websocket message. */
  method: string;
  path: string;
  /** The key the call claims (unverified), as in the request log. */
  apiKey: string | null;
  /** What the call is, e.g. "Binance countdownCancelAllHeartBeat". */
  what: string;
}

export interface SimOptions {
  /** Defaults to 127.0.0.1; the simulator never binds elsewhere. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  accounts: SimAccountSpec[];
  /** Demo mode: trip MMP on random active scopes now and then so the desk is alive. */
  fillGenerator?: boolean | { intervalMs: number; probability: number };
  /** Whether a Binance mmpReset zeroes lastTriggerTime (undocumented by the venue). Default false. */
  binanceResetClearsTrigger?: boolean;
  /**
   * Binance request weight per minute, counted per IP (every account the simulator serves
   * shares it, as they share one client IP); exchangeInfo reports it and a request beyond it is
   * answered 429 / -1003 without Retry-After (the options docs do not promise one). Default 2400.
   */
  binanceWeightPerMinute?: number;
  /**
   * OKX `mmpFrozenUntil` as the time left in ms (how OKX describes it) instead of the default
   * epoch ms, so clients can be tested against both readings (docs/venues.md#okx-mmpfrozenuntil).
   */
  okxFrozenUntilAsDuration?: boolean;
  /**
   * Deribit's matching-engine credit pool, one per API key (sub-account): each MMP method call
   * takes a credit, refilled at perSecond up to burst; an empty pool answers 10028 and ends the
   * session (venues/deribit-credits.ts). Absent = unlimited. POST /__sim/credits changes one key.
   */
  deribitCredits?: { perSecond: number; burst: number };
}

export interface SimHandle {
  /** Base URL, e.g. http://127.0.0.1:43123 — use it as every account's baseUrl. */
  url: string;
  port: number;
  close(): Promise<void>;
}

// ---- Fault injection, request log and inspection shapes (control API under /__sim/) ----

export const FAULT_KINDS = ["latency", "status", "hang", "drop", "bad-json"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One fault rule as posted to POST /__sim/faults. Unset matchers match everything. */
export interface SimFaultSpec {
  venue?: Venue;
  apiKey?: string;
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Exact request path without the query, e.g. "/eapi/v1/mmpReset". */
  path?: string;
  kind: FaultKind;
  /** latency: delay before the request is handled normally. */
  ms?: number;
  /** status: HTTP status to answer, e.g. 500, 503, 429, 418. */
  status?: number;
  /** status: body to send (string as is, anything else as JSON); default is a venue-style error. */
  body?: unknown;
  /** status: sends a Retry-After header with this many seconds. */
  retryAfterSec?: number;
  /** How many requests the rule hits; default 1; 0 = until the faults are cleared. */
  times?: number;
  /** Perform the endpoint's real effect before failing ("outcome unknown"). Latency always does. */
  apply?: boolean;
}

export interface SimFaultRule extends SimFaultSpec {
  id: string;
  /** Requests the rule still hits; null = until cleared. */
  remaining: number | null;
}

export interface SimLogEntry {
  seq: number;
  /** Wall-clock ms (no venue skew) when the request arrived. */
  at: number;
  venue: Venue;
  method: string;
  path: string;
  /** Raw query string as received, without "?"; "" when none. */
  query: string;
  /** Raw body as received; null when empty. */
  body: string | null;
  apiKey: string | null;
  /** HTTP status sent; null while pending, for a hang, or for a dropped connection. */
  status: number | null;
  /** Venue error code in the answer (Binance "code", Bybit "retCode"), null on success. */
  venueCode: number | string | null;
  fault: FaultKind | null;
}

/** True internal state of one scope, as GET /__sim/state reports it. */
export interface SimScopeState {
  scope: string;
  enabled: boolean;
  windowMs: number;
  frozenPeriodMs: number;
  qtyLimit: string;
  deltaLimit: string;
  vegaLimit: string | null;
  frozen: boolean;
  /** Venue-clock ms when the freeze ends; null = until manual reset (or not frozen). */
  frozenUntil: number | null;
  /** Venue-clock ms of the last trigger as the venue would report it; 0 = never (or cleared). */
  lastTriggerTime: number;
  /** Venue-clock ms of the last successful reset; null = never. */
  lastResetAt: number | null;
  /** Fills counted in the current window. */
  fillCount: number;
  /** Manual resets so far, each of which cleared the counters (also when not frozen). */
  counterResets: number;
}

export interface SimAccountState {
  id: string;
  venue: Venue;
  apiKey: string;
  keyType: SimKeyType;
  mmpEnabled: boolean;
  scopes: SimScopeState[];
}
