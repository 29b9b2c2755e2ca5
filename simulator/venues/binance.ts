import type { SimCore, VenueProtocol } from "@/simulator/core";
import { headerValue, type SimRequest, type SimResponse } from "@/simulator/http";
import { ScopeState, type AccountState } from "@/simulator/state";
import { authenticateBinance, binanceError } from "@/simulator/venues/binance-auth";
import {
  BINANCE_DEADMAN_WEIGHTS,
  BINANCE_FORBIDDEN,
  binanceDeadManRoutes,
} from "@/simulator/venues/binance-deadman";

// Binance Options (eapi) protocol: translates the venue-neutral MMP state to and from Binance's
// wire format. Binance reports no "frozen" flag, only lastTriggerTime; the true state stays
// visible through GET /__sim/state.

const PREFIX = "/eapi/";

// Real-looking, stable ids so clients that key on underlyingId behave as in production.
const KNOWN_IDS: Record<string, number> = {
  BTCUSDT: 2,
  ETHUSDT: 3,
  BNBUSDT: 4,
  SOLUSDT: 5,
  XRPUSDT: 6,
  DOGEUSDT: 7,
};
const QUOTES = ["USDT", "USDC", "FDUSD"];

type Route = (req: SimRequest) => SimResponse;

export function createBinanceProtocol(core: SimCore): VenueProtocol {
  // X-MBX-USED-WEIGHT-1M: a plain fixed-minute counter (every endpoint weighs 1 but the
  // countdown heartbeat, BINANCE_DEADMAN_WEIGHTS).
  let weight = { minute: -1, used: 0 };
  const weightLimit = () => core.options.binanceWeightPerMinute ?? 2400;
  const now = () => core.now("binance");

  const underlyings = (): string[] =>
    [
      ...new Set(
        core.options.accounts
          .filter((a) => a.venue === "binance")
          .flatMap((a) => a.scopes.map((s) => s.scope)),
      ),
    ].sort();

  const idOf = (underlying: string): number => {
    const unknown = underlyings().filter((u) => KNOWN_IDS[u] === undefined);
    return KNOWN_IDS[underlying] ?? 100 + unknown.indexOf(underlying);
  };

  const wire = (s: ScopeState) => ({
    underlyingId: idOf(s.scope),
    underlying: s.scope,
    windowTimeInMilliseconds: s.config.windowMs,
    frozenTimeInMilliseconds: s.config.frozenPeriodMs,
    qtyLimit: s.config.qtyLimit,
    deltaLimit: s.config.deltaLimit,
    lastTriggerTime: s.lastTriggerTime,
  });

  /** Signed MMP endpoint: auth, then the underlying check, then `fn` with the account's scope. */
  const mmpEndpoint =
    (fn: (ctx: MmpCtx) => SimResponse): Route =>
    (req) => {
      const auth = authenticateBinance(req, core.state, now());
      if (!auth.ok) return auth.response;
      const underlying = auth.params.get("underlying");
      if (!underlying) {
        return binanceError(
          400,
          -1102,
          "Mandatory parameter 'underlying' was not sent, was empty/null, or malformed.",
        );
      }
      if (!underlyings().includes(underlying)) {
        return binanceError(400, -6004, "Invalid underlying.");
      }
      const scope = auth.account.scopes.get(underlying);
      return fn({ account: auth.account, underlying, scope, params: auth.params, now: now() });
    };

  const routes: Record<string, Route> = {
    "GET /eapi/v1/time": () => ok({ serverTime: now() }),
    "GET /eapi/v1/exchangeInfo": () =>
      ok({
        timezone: "UTC",
        serverTime: now(),
        optionContracts: underlyings().map((u) => {
          const quote = QUOTES.find((q) => u.endsWith(q) && u.length > q.length) ?? "USDT";
          const base = u.endsWith(quote) ? u.slice(0, -quote.length) : u;
          return {
            id: idOf(u),
            baseAsset: base,
            quoteAsset: quote,
            underlying: u,
            settleAsset: quote,
          };
        }),
        optionAssets: [],
        optionSymbols: [],
        rateLimits: [
          {
            rateLimitType: "REQUEST_WEIGHT",
            interval: "MINUTE",
            intervalNum: 1,
            limit: weightLimit(),
          },
        ],
      }),
    "GET /eapi/v1/mmp": mmpEndpoint(withRules((scope) => ok(wire(scope)))),
    "POST /eapi/v1/mmpReset": mmpEndpoint(
      withRules((scope, t) => {
        // Whether the venue zeroes lastTriggerTime on reset is undocumented: configurable.
        scope.reset(t, { clearTrigger: core.options.binanceResetClearsTrigger ?? false });
        return ok(wire(scope));
      }),
    ),
    "POST /eapi/v1/mmpSet": mmpEndpoint(mmpSet),
    ...binanceDeadManRoutes(() => core.state, now),
  };

  return {
    venue: "binance",
    handles: (path) => path.startsWith(PREFIX),
    apiKeyOf: (req) => headerValue(req.headers, "x-mbx-apikey") ?? null,
    handle(req) {
      const key = `${req.method} ${req.path}`;
      const cost = BINANCE_DEADMAN_WEIGHTS[key] ?? 1;
      const minute = Math.floor(now() / 60_000);
      weight =
        minute === weight.minute ? { minute, used: weight.used + cost } : { minute, used: cost };
      const route = routes[key];
      const known = Object.keys(routes).some((k) => k.endsWith(` ${req.path}`));
      // Over the IP's weight for this minute: refused, and nothing is done (no Retry-After).
      const answer =
        weight.used > weightLimit()
          ? binanceError(
              429,
              -1003,
              `Too much request weight used; current limit is ${weightLimit()} request weight per 1 MINUTE.`,
            )
          : route
            ? route(req)
            : binanceError(
                known ? 405 : 404,
                -1000,
                known ? "Unsupported method." : "Unknown path.",
              );
      return {
        ...answer,
        headers: { ...answer.headers, "X-MBX-USED-WEIGHT-1M": String(weight.used) },
      };
    },
    restore() {
      weight = { minute: -1, used: 0 };
    },
    forbidden: (req) => BINANCE_FORBIDDEN[`${req.method} ${req.path}`] ?? null,
    faultBody,
    codeOf: (body) =>
      typeof body === "object" && body !== null && "code" in body && typeof body.code === "number"
        ? body.code
        : null,
  };

  function mmpSet({ account, underlying, scope, params }: MmpCtx): SimResponse {
    const cfg = parseMmpSet(params);
    if ("status" in cfg) return cfg;
    // mmpSet is how MMP gets configured on Binance: it creates/enables the rule.
    const target = scope ?? new ScopeState(underlying, { ...cfg, vegaLimit: null });
    if (!scope) account.scopes.set(underlying, target);
    target.patch({ ...cfg, enabled: true });
    return ok(wire(target));
  }
}

interface MmpCtx {
  account: AccountState;
  underlying: string;
  scope: ScopeState | undefined;
  params: Map<string, string>;
  now: number;
}

/** Reads and resets need an existing, enabled rule; otherwise the venue says "no MMP rules". */
function withRules(fn: (scope: ScopeState, now: number) => SimResponse) {
  return (ctx: MmpCtx): SimResponse =>
    ctx.scope && ctx.scope.config.enabled ? fn(ctx.scope, ctx.now) : noRules();
}

const MMP_SET_FIELDS = [
  "windowTimeInMilliseconds",
  "frozenTimeInMilliseconds",
  "qtyLimit",
  "deltaLimit",
] as const;
const MAX_WINDOW_MS = 5000;

/**
 * mmpSet needs all five fields (venues.md 2026-11; `underlying` is checked by mmpEndpoint): a
 * missing one is -1102 like any mandatory parameter. Then the window must be an integer in
 * (0, 5000] ms (-6001), the frozen time an integer ≥ 0, 0 = until manual reset (-6002), and both
 * limits positive decimals (-6040). Integers are plain digits: "1e3" or "2.0" are refused.
 */
function parseMmpSet(p: Map<string, string>) {
  const missing = MMP_SET_FIELDS.find((f) => !p.get(f));
  if (missing) {
    return binanceError(
      400,
      -1102,
      `Mandatory parameter '${missing}' was not sent, was empty/null, or malformed.`,
    );
  }
  const int = (v: string | undefined) => (v && /^\d{1,10}$/.test(v) ? Number(v) : NaN);
  const windowMs = int(p.get("windowTimeInMilliseconds"));
  const frozenPeriodMs = int(p.get("frozenTimeInMilliseconds"));
  const qtyLimit = p.get("qtyLimit") ?? "";
  const deltaLimit = p.get("deltaLimit") ?? "";
  const positive = (v: string) => /^\d+(\.\d+)?$/.test(v) && Number(v) > 0;
  if (!(windowMs > 0 && windowMs <= MAX_WINDOW_MS)) {
    return binanceError(400, -6001, "Invalid MMP window.");
  }
  if (!Number.isSafeInteger(frozenPeriodMs)) {
    return binanceError(400, -6002, "Invalid MMP frozen time.");
  }
  if (!positive(qtyLimit) || !positive(deltaLimit)) {
    return binanceError(400, -6040, "Invalid MMP limits: qtyLimit and deltaLimit must be > 0.");
  }
  return { windowMs, frozenPeriodMs, qtyLimit, deltaLimit };
}

function ok(body: unknown): SimResponse {
  return { status: 200, body, venueCode: null };
}

function noRules(): SimResponse {
  return binanceError(400, -6006, "MMP rules do not exist.");
}

function faultBody(status: number): unknown {
  if (status === 429) return { code: -1003, msg: "Too many requests; please use the websocket." };
  if (status === 418) return { code: -1003, msg: "Way too many requests; IP banned." };
  if (status >= 500) {
    return {
      code: -1001,
      msg: "Internal error; unable to process your request. Please try again.",
    };
  }
  return { code: -1000, msg: "An unknown error occurred while processing the request." };
}
