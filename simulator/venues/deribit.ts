import type { SimCore, VenueProtocol } from "@/simulator/core";
import type { SimRequest, SimResponse } from "@/simulator/http";
import type { AccountState, ScopeState, SimState } from "@/simulator/state";
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
import { createDeribitConfigs } from "@/simulator/venues/deribit-config";
import {
  GROUP,
  INDEX,
  bool,
  invalid,
  scopeEntries,
  scopeKey,
  splitScope,
  target,
  type Answer,
  type MmpCtx,
  type Params,
} from "@/simulator/venues/deribit-params";
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
const NOT_FOUND: Answer = { error: { code: -32601, message: "Method not found" } };

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

  const configs = createDeribitConfigs(watch);

  const mmp: Record<string, (ctx: MmpCtx) => Answer> = {
    "private/get_mmp_config": configs.get,
    "private/get_mmp_status": ({ account, params, now: at }) => {
      const t = target(params, false);
      if ("error" in t) return t.error;
      if (bool(params, "block_rfq")) return { result: [] };
      const list = scopeEntries(account).filter(
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
    "private/set_mmp_config": configs.set,
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
      configs.restore();
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
