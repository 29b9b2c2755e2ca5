import type { SimCore, VenueProtocol } from "@/simulator/core";
import { headerValue, type SimRequest, type SimResponse } from "@/simulator/http";
import type { AccountState, ScopeState } from "@/simulator/state";
import {
  authenticateOkx,
  okxEnvelope,
  okxError,
  okxOk,
  type OkxKeyFacts,
} from "@/simulator/venues/okx-auth";
import { setMmpConfig } from "@/simulator/venues/okx-config";

// OKX v5 protocol: translates the venue-neutral MMP state to and from OKX's wire format.
// Scopes are instrument families ("BTC-USD"); OKX limits only the traded quantity, so a scope's
// deltaLimit/vegaLimit are never sent (set deltaLimit "0" in specs: the state machine treats a
// zero limit as "no limit"). Every answer is {"code": "<string>", "msg", "data": [...]}.

const PREFIX = "/api/v5/";

// Per API key and endpoint (method and path): the mmp-config read and mmp-reset 5 requests per
// 2 s (docs/venues.md#okx-rate-limits), the mmp-config set 2 per 10 s (venues.md 2026-11).
const RATE_LIMITS: Readonly<Record<string, { max: number; windowMs: number }>> = {
  "GET /api/v5/account/mmp-config": { max: 5, windowMs: 2000 },
  "POST /api/v5/account/mmp-reset": { max: 5, windowMs: 2000 },
  "POST /api/v5/account/mmp-config": { max: 2, windowMs: 10_000 },
};

/** Calls a risk dashboard must never make (GET /__sim/forbidden): it arms the dead-man switch. */
const OKX_FORBIDDEN: Readonly<Record<string, string>> = {
  "POST /api/v5/trade/cancel-all-after": "OKX cancel-all-after",
};

type Route = (req: SimRequest) => SimResponse;

interface MmpCtx {
  account: AccountState;
  req: SimRequest;
  now: number;
}

export function createOkxProtocol(core: SimCore): VenueProtocol {
  const facts = new Map<string, OkxKeyFacts>();
  for (const a of core.options.accounts) {
    if (a.venue !== "okx") continue;
    // OKX API keys are HMAC keys with a passphrase; anything else cannot exist on the venue.
    if ((a.keyType ?? "hmac") !== "hmac")
      throw new Error(`account ${a.id}: OKX supports keyType "hmac" only`);
    if (!a.passphrase) throw new Error(`account ${a.id}: OKX accounts need a passphrase`);
    facts.set(a.apiKey, { passphrase: a.passphrase, demoTrading: a.demoTrading ?? false });
  }
  const asDuration = core.options.okxFrozenUntilAsDuration ?? false;
  // Recent accepted calls per "apiKey METHOD path", wall-clock ms. Wall clock, not the venue
  // clock: a test that skews the OKX clock must not make old calls look recent (or future) to
  // the limiter.
  let calls = new Map<string, number[]>();
  const now = () => core.now("okx");

  /** Sliding window; a refused call is not counted, so a client that backs off recovers. */
  const overLimit = (apiKey: string, endpoint: string): boolean => {
    const limit = RATE_LIMITS[endpoint];
    if (!limit) return false;
    const key = `${apiKey} ${endpoint}`;
    const t = Date.now();
    const recent = (calls.get(key) ?? []).filter((at) => t - at < limit.windowMs);
    const exceeded = recent.length >= limit.max;
    if (!exceeded) recent.push(t);
    calls.set(key, recent);
    return exceeded;
  };

  /** Signed endpoint: auth, then the rate limit, then `fn`. */
  const privateEndpoint =
    (fn: (ctx: MmpCtx) => SimResponse): Route =>
    (req) => {
      const t = now();
      const auth = authenticateOkx(req, core.state, (k) => facts.get(k), t);
      if (!auth.ok) return auth.response;
      if (overLimit(auth.account.apiKey, `${req.method} ${req.path}`))
        return okxError("50011", "Too Many Requests", 429);
      return fn({ account: auth.account, req, now: t });
    };

  const routes: Record<string, Route> = {
    "GET /api/v5/public/time": () => okxOk([{ ts: String(now()) }]),
    "GET /api/v5/account/mmp-config": privateEndpoint(({ account, req, now: t }) => {
      const family = new URLSearchParams(req.rawQuery).get("instFamily");
      // An account without the MMP privilege has nothing configured: an empty list.
      const scopes = account.mmpEnabled ? [...account.scopes.values()] : [];
      return okxOk(
        scopes.filter((s) => !family || s.scope === family).map((s) => wire(s, t, asDuration)),
      );
    }),
    "POST /api/v5/account/mmp-reset": privateEndpoint(({ account, req, now: t }) => {
      const body = parseJsonObject(req.body);
      if (!body) return okxError("50002", "JSON syntax error", 400);
      const { instType, instFamily } = body;
      if (typeof instFamily !== "string" || instFamily === "")
        return okxError("50014", "Parameter instFamily can not be empty.", 400);
      // instType is optional on the venue (default OPTION); only OPTION has MMP.
      if (instType !== undefined && instType !== "OPTION")
        return okxError("51000", "Parameter instType error");
      const scope = account.mmpEnabled ? account.scopes.get(instFamily) : undefined;
      // Nothing to reset where MMP is not configured or switched off (timeInterval "0").
      if (!scope || !scope.config.enabled) return okxError("51000", "Parameter instFamily error");
      scope.reset(t);
      return okxOk([{ result: true }]);
    }),
    "POST /api/v5/account/mmp-config": privateEndpoint(({ account, req }) =>
      setMmpConfig(account, parseJsonObject(req.body)),
    ),
    // Forbidden (OKX_FORBIDDEN): answered as the venue does for timeOut "0" (switch off), but
    // it changes nothing here; OKX has no endpoint that reads the switch.
    "POST /api/v5/trade/cancel-all-after": privateEndpoint(({ now: t }) =>
      okxOk([{ triggerTime: "0", tag: "", ts: String(t) }]),
    ),
  };

  return {
    venue: "okx",
    handles: (path) => path.startsWith(PREFIX),
    apiKeyOf: (req) => headerValue(req.headers, "ok-access-key") ?? null,
    handle(req) {
      const route = routes[`${req.method} ${req.path}`];
      if (route) return route(req);
      const known = Object.keys(routes).some((k) => k.endsWith(` ${req.path}`));
      return known ? okxError("405", "Method Not Allowed", 405) : okxError("404", "Not Found", 404);
    },
    restore() {
      calls = new Map();
    },
    forbidden: (req) => OKX_FORBIDDEN[`${req.method} ${req.path}`] ?? null,
    faultBody,
    codeOf: (body) =>
      typeof body === "object" &&
      body !== null &&
      "code" in body &&
      typeof body.code === "string" &&
      body.code !== "0"
        ? body.code
        : null,
  };
}

/** How the venue dresses an injected failure status. */
function faultBody(status: number): unknown {
  if (status === 429) return okxEnvelope("50011", "Too Many Requests");
  if (status === 401) return okxEnvelope("50111", "Invalid OK-ACCESS-KEY");
  if (status === 503)
    return okxEnvelope("50001", "Service temporarily unavailable. Try again later");
  if (status >= 500) return okxEnvelope("50026", "System error. Try again later");
  return okxEnvelope("50000", "Body for POST request cannot be empty.");
}

/**
 * One mmp-config entry. timeInterval "0" = MMP switched off. mmpFrozenUntil is "" unless frozen
 * with a finite period; then epoch ms on the venue clock, or the ms left when the simulator runs
 * with okxFrozenUntilAsDuration (the two readings in docs/venues.md#okx-mmpfrozenuntil).
 */
function wire(s: ScopeState, now: number, asDuration: boolean) {
  const { config } = s;
  const frozen = config.enabled && s.isFrozen(now);
  const until = frozen ? s.frozenUntil() : null;
  const frozenUntil =
    until === null ? "" : asDuration ? String(Math.max(0, until - now)) : String(until);
  return {
    instFamily: s.scope,
    mmpFrozen: frozen,
    mmpFrozenUntil: frozenUntil,
    timeInterval: config.enabled ? String(config.windowMs) : "0",
    frozenInterval: String(config.frozenPeriodMs),
    qtyLimit: config.qtyLimit,
  };
}

function parseJsonObject(raw: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(raw.toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
