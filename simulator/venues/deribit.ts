import type { SimCore, VenueProtocol } from "@/simulator/core";
import type { SimRequest, SimResponse } from "@/simulator/http";
import { ScopeState, type AccountState, type SimState } from "@/simulator/state";
import {
  DeribitTokens,
  NonceLog,
  authenticateGrant,
  authenticateHttp,
  bearerToken,
  claimedApiKey,
  rpcEnvelope,
  tokenTtl,
  type RpcFailure,
} from "@/simulator/venues/deribit-auth";
import {
  DeribitCredits,
  TOO_MANY_REQUESTS,
  type CreditHost,
  type DeribitMatchingEngine,
  type EngineOutcome,
} from "@/simulator/venues/deribit-credits";
import {
  cancelOnDisconnect,
  deribitForbidden,
  isCancelOnDisconnectMethod,
} from "@/simulator/venues/deribit-deadman";
import {
  createDeribitWsHub,
  type DeribitTriggerData,
  type WebsocketHost,
} from "@/simulator/venues/deribit-ws";

// Deribit v2 protocol: JSON-RPC over HTTP at /api/v2/<method> (GET with the params in the query
// string, or POST with a JSON-RPC body) plus the websocket in deribit-ws.ts. A simulator scope
// is the venue's (index_name, mmp_group) pair written "btc_usd" (default group) or
// "btc_usd/mm1" (Mass Quote group). interval and frozen_time travel in SECONDS, limits as numbers.

const PREFIX = "/api/v2";
const INDEX = /^[a-z0-9]{2,15}_[a-z0-9]{2,15}$/;
const GROUP = /^[A-Za-z0-9_-]{1,32}$/;
const MAX_SECONDS = 3600;

type Params = Record<string, unknown>;
type Answer = { result: unknown } | { error: RpcFailure };
interface MmpCtx {
  account: AccountState;
  params: Params;
  now: number;
}

function splitScope(scope: string): { index: string; group: string | null } {
  const [index = "", group] = scope.split("/");
  return { index, group: group ?? null };
}
const scopeKey = (index: string, group: string | null) => (group ? `${index}/${group}` : index);

const NOT_FOUND: Answer = { error: { code: -32601, message: "Method not found" } };
const invalid = (reason: string, param: string): Answer => ({
  error: { code: -32602, message: "Invalid params", data: { reason, param } },
});
const str = (p: Params, k: string) => (typeof p[k] === "string" ? p[k] : undefined);
const bool = (p: Params, k: string) => p[k] === true || p[k] === "true";
/** GET params arrive as strings, POST params as JSON numbers: accept both. */
function num(p: Params, k: string): number | undefined | null {
  const v = p[k];
  if (v === undefined) return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

type Target = { index: string | null; group: string | null } | { error: Answer };

/** index_name ("all"/absent = every index unless required) and optional mmp_group. */
function target(p: Params, required: boolean): Target {
  const index = str(p, "index_name");
  const group = str(p, "mmp_group");
  if (index === undefined || index === "all") {
    if (required) return { error: invalid('index_name is required (not "all")', "index_name") };
    if (group !== undefined)
      return { error: invalid("mmp_group needs an index_name", "mmp_group") };
    return { index: null, group: null };
  }
  if (!INDEX.test(index)) return { error: invalid(`unknown index_name ${index}`, "index_name") };
  if (group !== undefined && !GROUP.test(group))
    return { error: invalid("bad mmp_group", "mmp_group") };
  return { index, group: group ?? null };
}

/** A limit the scope does not have ("0" or null in the simulator) is left out, as on the venue. */
function limit(name: string, value: string | null | undefined) {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n > 0 ? { [name]: n } : {};
}

export function createDeribitProtocol(core: SimCore): VenueProtocol & WebsocketHost & CreditHost {
  for (const a of core.options.accounts) {
    if (a.venue !== "deribit") continue;
    if ((a.keyType ?? "hmac") !== "hmac") {
      throw new Error(
        `account ${a.id}: Deribit accounts sign with a client secret (keyType "hmac")`,
      );
    }
    for (const s of a.scopes) {
      const { index, group } = splitScope(s.scope);
      if (
        !INDEX.test(index) ||
        (group !== null && !GROUP.test(group)) ||
        s.scope.split("/").length > 2
      ) {
        throw new Error(
          `account ${a.id}: Deribit scope "${s.scope}" must be index_name[/mmp_group]`,
        );
      }
    }
  }
  const tokens = new DeribitTokens();
  const nonces = new NonceLog();
  const credits = new DeribitCredits(core.options.deribitCredits);
  /** max_quote_quantity set through set_mmp_config, per "apiKey scope"; default = qty limit. */
  let maxQuote = new Map<string, number>();
  const now = () => core.now("deribit");
  const dresser = { faultBody, codeOf };
  const engine: DeribitMatchingEngine = {
    handles: (method) => mmp[method] !== undefined,
    call: runEngine,
  };
  const hub = createDeribitWsHub(core, { tokens, nonces, dresser, engine });

  const triggerData = (s: ScopeState): DeribitTriggerData => {
    const { index, group } = splitScope(s.scope);
    return {
      index_name: index,
      ...(group ? { mmp_group: group } : {}),
      frozen_until: s.frozenUntil() ?? 0,
    };
  };

  // state.ts has no trigger listener; wrapping each Deribit scope's trigger() pushes on every path
  // that trips MMP (control API, fill generator, fills) without touching the venue-neutral core.
  const watch = (account: AccountState, scope: ScopeState) => {
    const trigger = scope.trigger.bind(scope);
    scope.trigger = (at: number) => {
      trigger(at);
      hub.notify(account.apiKey, triggerData(scope));
    };
  };
  const watchAll = (state: SimState) => {
    for (const a of state.accounts("deribit")) for (const s of a.scopes.values()) watch(a, s);
  };
  watchAll(core.state);

  const wireConfig = (account: AccountState, s: ScopeState, id: number) => {
    const { index, group } = splitScope(s.scope);
    const c = s.config;
    return {
      index_name: index,
      ...(group ? { mmp_group: group } : {}),
      id,
      // interval 0 is how the venue shows (and sets) "MMP removed".
      interval: c.enabled ? Math.round(c.windowMs / 1000) : 0,
      frozen_time: Math.round(c.frozenPeriodMs / 1000),
      ...limit("quantity_limit", c.qtyLimit),
      ...limit("delta_limit", c.deltaLimit),
      ...limit("vega_limit", c.vegaLimit),
      ...limit(
        "max_quote_quantity",
        String(maxQuote.get(`${account.apiKey} ${s.scope}`) ?? c.qtyLimit),
      ),
    };
  };

  const entries = (account: AccountState) =>
    [...account.scopes.values()].map((s, i) => ({ s, id: i + 1, ...splitScope(s.scope) }));

  const mmp: Record<string, (ctx: MmpCtx) => Answer> = {
    "private/get_mmp_config": ({ account, params }) => {
      const t = target(params, false);
      if ("error" in t) return t.error;
      if (bool(params, "block_rfq")) return { result: [] };
      // With an index_name and no group: the default group only ("regular orders").
      const list = entries(account).filter(
        (e) => t.index === null || (e.index === t.index && e.group === t.group),
      );
      return { result: list.map((e) => wireConfig(account, e.s, e.id)) };
    },
    "private/get_mmp_status": ({ account, params, now: at }) => {
      const t = target(params, false);
      if ("error" in t) return t.error;
      if (bool(params, "block_rfq")) return { result: [] };
      const list = entries(account).filter(
        (e) =>
          e.s.config.enabled &&
          e.s.isFrozen(at) &&
          (t.index === null || (e.index === t.index && (t.group === null || e.group === t.group))),
      );
      return { result: list.map((e) => triggerData(e.s)) };
    },
    "private/reset_mmp": ({ account, params, now: at }) => {
      const t = target(params, true);
      if ("error" in t) return t.error;
      if (bool(params, "block_rfq")) return invalid("block_rfq MMP is not simulated", "block_rfq");
      const key = scopeKey(t.index ?? "", t.group);
      const s = account.scopes.get(key);
      if (!s || !s.config.enabled) {
        return invalid(`no MMP configuration for ${key}`, t.group ? "mmp_group" : "index_name");
      }
      s.reset(at);
      return { result: "ok" };
    },
    "private/set_mmp_config": ({ account, params }) => {
      const t = target(params, true);
      if ("error" in t) return t.error;
      if (bool(params, "block_rfq")) return invalid("block_rfq MMP is not simulated", "block_rfq");
      const interval = num(params, "interval");
      const frozen = num(params, "frozen_time");
      for (const [k, v] of [
        ["interval", interval],
        ["frozen_time", frozen],
      ] as const) {
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_SECONDS) {
          return invalid(`${k} must be an integer number of seconds, 0-${MAX_SECONDS}`, k);
        }
      }
      const limits = ["quantity_limit", "delta_limit", "vega_limit", "max_quote_quantity"] as const;
      const values = limits.map((k) => num(params, k));
      const bad = values.findIndex((v) => v === null || (v !== undefined && v < 0));
      if (bad >= 0) {
        const name = limits[bad] ?? "quantity_limit";
        return invalid(`${name} must be a non-negative number`, name);
      }
      const [qty, delta, vega, mqq] = values;
      if (interval !== 0 && qty === undefined && delta === undefined && vega === undefined) {
        return invalid(
          "set at least one of quantity_limit, delta_limit, vega_limit",
          "quantity_limit",
        );
      }
      const key = scopeKey(t.index ?? "", t.group);
      let s = account.scopes.get(key);
      if (interval === 0) {
        s?.patch({ enabled: false });
      } else {
        // The venue's set replaces the whole configuration: an omitted limit is no limit.
        const cfg = {
          enabled: true,
          windowMs: (interval ?? 0) * 1000,
          frozenPeriodMs: (frozen ?? 0) * 1000,
          qtyLimit: String(qty ?? 0),
          deltaLimit: String(delta ?? 0),
          vegaLimit: vega === undefined || vega === null ? null : String(vega),
        };
        if (s) s.patch(cfg);
        else {
          s = new ScopeState(key, cfg);
          account.scopes.set(key, s);
          watch(account, s);
        }
      }
      if (typeof mqq === "number") maxQuote.set(`${account.apiKey} ${key}`, mqq);
      const entry = entries(account).find((e) => e.s === s);
      return { result: entry ? [wireConfig(account, entry.s, entry.id)] : [] };
    },
  };

  /**
   * A matching-engine method for an authenticated account. The credit goes first: the venue's
   * pool counts every request that reaches the engine, refused ones (13040, bad params) too.
   */
  function runEngine(account: AccountState, name: string, params: Params): EngineOutcome {
    const handler = mmp[name];
    const outcome = (answer: Answer, sessionEnds = false) => ({ answer, sessionEnds });
    if (!handler) return outcome(NOT_FOUND);
    if (!credits.take(account.apiKey)) return outcome({ error: TOO_MANY_REQUESTS }, true);
    if (!account.mmpEnabled) return outcome({ error: { code: 13040, message: "mmp_required" } });
    return outcome(handler({ account, params, now: now() }));
  }

  function call(name: string, params: Params): Answer {
    const at = now();
    switch (name) {
      case "public/get_time":
        return { result: at };
      case "public/test":
        return { result: { version: "1.2.26" } };
      case "public/auth": {
        const out = authenticateGrant(params, { state: core.state, tokens, nonces, now: at });
        if (!out.ok) return { error: out.failure };
        return { result: tokens.issue(out.account.apiKey, at, tokenTtl(params.scope)) };
      }
      default:
        return NOT_FOUND;
    }
  }

  function handle(req: SimRequest): SimResponse {
    const parsed = parseCall(req);
    if ("error" in parsed) return respond(parsed.id, { error: parsed.error }, parsed.status);
    const { id, name, params } = parsed;
    const handler = mmp[name];
    if (!handler && !isCancelOnDisconnectMethod(name)) return respond(id, call(name, params));
    const auth = authenticateHttp(req, { state: core.state, tokens, nonces, now: now() });
    if (!auth.ok) return respond(id, { error: auth.failure });
    // Cancel-on-disconnect is neither an MMP feature (no 13040 for accounts without MMP) nor
    // a matching-engine method (no credit).
    if (!handler) return respond(id, cancelOnDisconnect(name, params, auth.account, "http"));
    const out = runEngine(auth.account, name, params);
    // An empty pool ends the session: a bearer token's is the token; a signed request has none.
    const token = bearerToken(req);
    if (out.sessionEnds && token) tokens.revoke(token);
    return respond(id, out.answer);
  }

  /** HTTP 200 for results, 429 for too_many_requests, 400 for every other JSON-RPC error. */
  function respond(id: unknown, answer: Answer, status?: number): SimResponse {
    const code = "error" in answer ? answer.error.code : null;
    return {
      status: status ?? (code === null ? 200 : code === 10028 ? 429 : 400),
      body: rpcEnvelope(id, answer, now()),
      venueCode: code,
    };
  }

  function faultBody(status: number): unknown {
    const [code, message] =
      status === 429
        ? [10028, "too_many_requests"]
        : status === 401
          ? [13009, "unauthorized"]
          : status === 503
            ? [13028, "temporarily_unavailable"]
            : status >= 500
              ? [11094, "internal_server_error"]
              : [11050, "bad_request"];
    return rpcEnvelope(undefined, { error: { code, message } }, now());
  }

  function codeOf(body: unknown): number | null {
    if (typeof body !== "object" || body === null || !("error" in body)) return null;
    const error: unknown = body.error;
    return typeof error === "object" &&
      error !== null &&
      "code" in error &&
      typeof error.code === "number"
      ? error.code
      : null;
  }

  return {
    venue: "deribit",
    handles: (path) => path === PREFIX || path.startsWith(`${PREFIX}/`),
    apiKeyOf: (req) => claimedApiKey(req, tokens) ?? clientIdOf(req),
    handle,
    restore() {
      tokens.clear();
      nonces.clear();
      maxQuote = new Map();
      credits.restore();
      // A restored venue has no sessions: sockets of the old state are cut, clients reconnect.
      hub.drop();
      watchAll(core.state);
    },
    faultBody,
    codeOf,
    forbidden(req) {
      const parsed = parseCall(req);
      return "name" in parsed ? deribitForbidden(parsed.name) : null;
    },
    websockets: hub,
    credits,
  };
}

type ParsedCall =
  | { id: unknown; name: string; params: Params }
  | { id: unknown; error: RpcFailure; status: number };

/** GET: method from the path, params from the query. POST: a JSON-RPC body (method may be
 * in the path, the body or both, but must agree). */
function parseCall(req: SimRequest): ParsedCall {
  const fromPath = req.path.length > PREFIX.length ? req.path.slice(PREFIX.length + 1) : "";
  if (req.method === "GET") {
    return {
      id: undefined,
      name: fromPath,
      params: Object.fromEntries(new URLSearchParams(req.rawQuery)),
    };
  }
  if (req.method !== "POST") {
    return { id: undefined, error: { code: -32600, message: "Invalid Request" }, status: 405 };
  }
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString("utf8"));
  } catch {
    return { id: null, error: { code: -32700, message: "Parse error" }, status: 400 };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { id: null, error: { code: -32600, message: "Invalid Request" }, status: 400 };
  }
  const b = body as Record<string, unknown>;
  const method = typeof b.method === "string" ? b.method : fromPath;
  const params = b.params ?? {};
  if (
    (fromPath && method !== fromPath) ||
    typeof params !== "object" ||
    params === null ||
    Array.isArray(params)
  ) {
    return { id: b.id, error: { code: -32600, message: "Invalid Request" }, status: 400 };
  }
  return { id: b.id, name: method, params: params as Params };
}

/** public/auth's client_id (GET query or POST params), for the log before anything is verified. */
function clientIdOf(req: SimRequest): string | null {
  if (req.method === "GET") return new URLSearchParams(req.rawQuery).get("client_id");
  try {
    const b: unknown = JSON.parse(req.body.toString("utf8"));
    const params = typeof b === "object" && b !== null && "params" in b ? b.params : null;
    const id =
      typeof params === "object" && params !== null && "client_id" in params
        ? params.client_id
        : null;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}
