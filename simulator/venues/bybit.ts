import type { SimCore, VenueProtocol } from "@/simulator/core";
import { headerValue, type SimRequest, type SimResponse } from "@/simulator/http";
import type { AccountState, ScopeState } from "@/simulator/state";
import {
  authenticateBybit,
  bybitEnvelope,
  bybitError,
  bybitOk,
} from "@/simulator/venues/bybit-auth";
import { bybitOptionInstruments } from "@/simulator/venues/bybit-instruments";

// Bybit v5 protocol: translates the venue-neutral MMP state to and from Bybit's wire format.
// Scopes are baseCoins ("BTC"); every number travels as a string; every answer is the
// {retCode, retMsg, result, retExtInfo, time} envelope, almost always with HTTP 200.

const PREFIX = "/v5/";

// Per API key and endpoint, per second (the venue counts per UID and second). mmp-reset and
// mmp-modify are documented at 5/s; mmp-state uses the venue's default read limit of 10/s.
const RATE_LIMITS: Record<string, number> = {
  "/v5/account/mmp-state": 10,
  "/v5/account/mmp-reset": 5,
  "/v5/account/mmp-modify": 5,
};

/**
 * Calls a risk dashboard must never make (GET /__sim/forbidden). Setting the DCP window arms the
 * switch; the private websocket's dcp topic would feed it, but the simulator has no Bybit socket.
 */
const BYBIT_FORBIDDEN: Readonly<Record<string, string>> = {
  "POST /v5/order/disconnected-cancel-all": "Bybit disconnected-cancel-all (set DCP)",
};

const CATEGORIES = new Set(["spot", "linear", "inverse", "option"]);

type Route = (req: SimRequest) => SimResponse;

interface MmpCtx {
  account: AccountState;
  req: SimRequest;
  now: number;
}

export function createBybitProtocol(core: SimCore): VenueProtocol {
  for (const a of core.options.accounts) {
    // Bybit lets users register RSA public keys only; an Ed25519 Bybit account cannot exist.
    if (a.venue === "bybit" && a.keyType === "ed25519") {
      throw new Error(`account ${a.id}: Bybit supports keyType "hmac" or "rsa" only`);
    }
  }
  let windows = new Map<string, { second: number; used: number }>();
  const now = () => core.now("bybit");

  const baseCoins = (): string[] =>
    [
      ...new Set(
        core.options.accounts
          .filter((a) => a.venue === "bybit")
          .flatMap((a) => a.scopes.map((s) => s.scope)),
      ),
    ].sort();

  /** X-Bapi-Limit* headers; the reset timestamp is "now" unless the limit is exceeded. */
  const rateLimit = (apiKey: string, path: string, t: number) => {
    const limit = RATE_LIMITS[path] ?? 10;
    const key = `${apiKey} ${path}`;
    const second = Math.floor(t / 1000);
    const prev = windows.get(key);
    const used = prev?.second === second ? prev.used + 1 : 1;
    windows.set(key, { second, used });
    const exceeded = used > limit;
    return {
      exceeded,
      headers: {
        "X-Bapi-Limit-Status": String(Math.max(0, limit - used)),
        "X-Bapi-Limit": String(limit),
        "X-Bapi-Limit-Reset-Timestamp": String(exceeded ? (second + 1) * 1000 : t),
      },
    };
  };

  /** Signed endpoint: auth, then the rate limit, then `fn`. */
  const signedEndpoint =
    (fn: (ctx: MmpCtx) => SimResponse): Route =>
    (req) => {
      const t = now();
      const auth = authenticateBybit(req, core.state, t);
      if (!auth.ok) return auth.response;
      const limit = rateLimit(auth.account.apiKey, req.path, t);
      const answer = limit.exceeded
        ? bybitError(10006, "Too many visits!", t)
        : fn({ account: auth.account, req, now: t });
      return { ...answer, headers: { ...answer.headers, ...limit.headers } };
    };

  /** MMP endpoint: a signed endpoint that also needs the account-wide MMP grant. */
  const mmpEndpoint = (fn: (ctx: MmpCtx) => SimResponse): Route =>
    signedEndpoint((ctx) =>
      ctx.account.mmpEnabled
        ? fn(ctx)
        : bybitError(3500713, "mmp is not enabled for this account", ctx.now),
    );

  const routes: Record<string, Route> = {
    "GET /v5/market/time": () => {
      const t = now();
      return bybitOk({ timeSecond: String(Math.floor(t / 1000)), timeNano: `${t}000000` }, t);
    },
    "GET /v5/market/instruments-info": (req) => {
      const t = now();
      const q = new URLSearchParams(req.rawQuery);
      const category = q.get("category");
      if (!category || !CATEGORIES.has(category)) return bybitError(10001, "Illegal category", t);
      const baseCoin = q.get("baseCoin");
      const symbol = q.get("symbol");
      // Only options are simulated; other categories answer an empty (but valid) list.
      const list = category !== "option" ? [] : bybitOptionInstruments(baseCoins(), t);
      return bybitOk(
        {
          category,
          list: list.filter(
            (i) => (!baseCoin || i.baseCoin === baseCoin) && (!symbol || i.symbol === symbol),
          ),
          nextPageCursor: "",
        },
        t,
      );
    },
    "GET /v5/account/mmp-state": mmpEndpoint(({ account, req, now: t }) => {
      const baseCoin = new URLSearchParams(req.rawQuery).get("baseCoin");
      if (!baseCoin) return bybitError(10001, "params error: baseCoin is required", t);
      const scope = account.scopes.get(baseCoin);
      return bybitOk({ result: scope ? [wire(scope, t)] : [] }, t);
    }),
    "POST /v5/account/mmp-reset": mmpEndpoint(
      withScope((scope, _body, t) => {
        // As on the venue: unfreezes, and clears the counters even when not frozen.
        scope.reset(t);
        return bybitOk({}, t, "success");
      }),
    ),
    "POST /v5/account/mmp-modify": mmpEndpoint(
      withScope((scope, body, t) => {
        const cfg = parseModify(body);
        if (typeof cfg === "string") return bybitError(10001, `params error: ${cfg}`, t);
        scope.patch(cfg);
        return bybitOk({}, t, "success");
      }),
    ),
    // DCP is configured by the venue on request, per product; never configured = empty list.
    "GET /v5/account/query-dcp-info": signedEndpoint(({ account, now: t }) =>
      bybitOk(
        {
          dcpInfos: account.deadMan.bybitDcp.map((d) => ({
            product: d.product,
            dcpStatus: d.dcpStatus,
            timeWindow: String(d.timeWindowSec),
          })),
        },
        t,
        "success",
      ),
    ),
    // Forbidden (BYBIT_FORBIDDEN): answered as the venue does, but it changes nothing here.
    "POST /v5/order/disconnected-cancel-all": signedEndpoint(({ now: t }) =>
      bybitOk({}, t, "success"),
    ),
  };

  return {
    venue: "bybit",
    handles: (path) => path.startsWith(PREFIX),
    apiKeyOf: (req) => headerValue(req.headers, "x-bapi-api-key") ?? null,
    handle(req) {
      const route = routes[`${req.method} ${req.path}`];
      if (route) return route(req);
      const known = Object.keys(routes).some((k) => k.endsWith(` ${req.path}`));
      return known
        ? bybitError(10001, "Method not allowed.", now(), 405)
        : bybitError(10001, "Route not found.", now(), 404);
    },
    restore() {
      windows = new Map();
    },
    forbidden: (req) => BYBIT_FORBIDDEN[`${req.method} ${req.path}`] ?? null,
    faultBody,
    codeOf: (body) =>
      typeof body === "object" &&
      body !== null &&
      "retCode" in body &&
      typeof body.retCode === "number" &&
      body.retCode !== 0
        ? body.retCode
        : null,
  };

  /** How the venue dresses an injected failure status. */
  function faultBody(status: number): unknown {
    const t = now();
    if (status === 429) return bybitEnvelope(10006, "Too many visits!", {}, t);
    // The IP ban comes from the edge, as plain text rather than the JSON envelope.
    if (status === 403)
      return "403 Forbidden: access too frequent. Your IP is banned for 10 minutes.";
    if (status === 401) return bybitEnvelope(10003, "API key is invalid.", {}, t);
    if (status >= 500) return bybitEnvelope(10016, "Internal server error.", {}, t);
    return bybitEnvelope(10001, "Request parameter error.", {}, t);
  }
}

/** One mmp-state entry; vegaLimit only for scopes that have one (older accounts do not). */
function wire(s: ScopeState, now: number) {
  const { config } = s;
  return {
    baseCoin: s.scope,
    mmpEnabled: config.enabled,
    window: String(config.windowMs),
    frozenPeriod: String(config.frozenPeriodMs),
    qtyLimit: config.qtyLimit,
    deltaLimit: config.deltaLimit,
    ...(config.vegaLimit !== null ? { vegaLimit: config.vegaLimit } : {}),
    // The end of the current or last freeze; "0" after a reset or for a manual-reset freeze.
    // Clients must only read it while mmpFrozen is true, as on the venue.
    mmpFrozenUntil: String(s.frozenUntil() ?? 0),
    mmpFrozen: config.enabled && s.isFrozen(now),
  };
}

/**
 * POST endpoints on one baseCoin: JSON body with "baseCoin", and an enabled MMP rule for it.
 * A baseCoin without MMP (absent or disabled) is 110065: MMP is granted per coin by the venue,
 * so neither reset nor modify can switch it on.
 */
function withScope(
  fn: (scope: ScopeState, body: Record<string, unknown>, now: number) => SimResponse,
) {
  return ({ account, req, now }: MmpCtx): SimResponse => {
    const body = parseJsonObject(req.body);
    if (!body) return bybitError(10001, "params error: body must be a JSON object", now);
    const baseCoin = body.baseCoin;
    if (typeof baseCoin !== "string" || baseCoin === "") {
      return bybitError(10001, "params error: baseCoin is required", now);
    }
    const scope = account.scopes.get(baseCoin);
    if (!scope || !scope.config.enabled) {
      return bybitError(
        110065,
        "MMP hasn't yet been enabled for your account. Please contact your BD manager.",
        now,
      );
    }
    return fn(scope, body, now);
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

/** The venue documents every field as a string; limits are positive with up to 2 decimals. */
function parseModify(b: Record<string, unknown>) {
  const str = (k: string) => {
    const v = b[k];
    return typeof v === "string" ? v : undefined;
  };
  const limit = (v: string) => /^\d+(\.\d{1,2})?$/.test(v) && Number(v) > 0;
  const window = str("window");
  const frozenPeriod = str("frozenPeriod");
  const qtyLimit = str("qtyLimit");
  const deltaLimit = str("deltaLimit");
  const vegaLimit = str("vegaLimit");
  if (!window || !/^\d{1,10}$/.test(window) || Number(window) <= 0) {
    return "window must be a positive integer string (ms)";
  }
  if (!frozenPeriod || !/^\d{1,10}$/.test(frozenPeriod)) {
    return "frozenPeriod must be a non-negative integer string (ms)";
  }
  if (
    qtyLimit === undefined ||
    deltaLimit === undefined ||
    !limit(qtyLimit) ||
    !limit(deltaLimit)
  ) {
    return "qtyLimit and deltaLimit must be positive with up to 2 decimals";
  }
  if (b.vegaLimit !== undefined && (vegaLimit === undefined || !limit(vegaLimit))) {
    return "vegaLimit must be positive with up to 2 decimals";
  }
  return {
    windowMs: Number(window),
    frozenPeriodMs: Number(frozenPeriod),
    qtyLimit,
    deltaLimit,
    // Omitted = keep the current vega limit; patch() ignores undefined fields.
    vegaLimit,
  };
}
