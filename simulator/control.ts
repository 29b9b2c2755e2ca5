import { z } from "zod";
import { VENUES, type Venue } from "@/lib/model/types";
import type { SimCore } from "@/simulator/core";
import type { SimRequest } from "@/simulator/http";
import type { ScopeState } from "@/simulator/state";
import { FAULT_KINDS } from "@/simulator/types";
import { creditHost } from "@/simulator/venues/deribit-credits";
import { websocketHosts } from "@/simulator/venues/deribit-ws";

// JSON control API under /__sim/ for tests and demos. Bodies are validated strictly (unknown keys
// rejected) so a typo in a test fails loudly instead of silently configuring nothing.

export interface ControlAnswer {
  status: number;
  body: unknown;
}

const decimal = z.string().regex(/^\d+(\.\d+)?$/, "decimal string expected");
const ms = z.number().int().min(0);
const target = { apiKey: z.string().min(1), scope: z.string().min(1) };

const freezeSchema = z.strictObject(target);

const scopeSchema = z.strictObject({
  ...target,
  enabled: z.boolean().optional(),
  windowMs: ms.optional(),
  frozenPeriodMs: ms.optional(),
  qtyLimit: decimal.optional(),
  deltaLimit: decimal.optional(),
  vegaLimit: decimal.nullable().optional(),
});

const faultSchema = z.strictObject({
  venue: z.enum(VENUES).optional(),
  apiKey: z.string().min(1).optional(),
  method: z.string().min(1).optional(),
  path: z.string().startsWith("/").optional(),
  kind: z.enum(FAULT_KINDS),
  ms: ms.optional(),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  retryAfterSec: z.number().int().min(0).optional(),
  times: z.number().int().min(0).optional(),
  apply: z.boolean().optional(),
});

const clockSchema = z.strictObject({ venue: z.enum(VENUES).optional(), skewMs: z.number().int() });

const wsDropSchema = z.strictObject({ venue: z.enum(VENUES).optional() });

// Each field given replaces that part of the account's dead-man state wholesale.
const deadManSchema = z.strictObject({
  apiKey: z.string().min(1),
  binanceCountdowns: z.record(z.string().min(1), ms).optional(),
  bybitDcp: z
    .array(
      z.strictObject({
        product: z.string().min(1),
        dcpStatus: z.enum(["ON", "OFF"]),
        timeWindowSec: z.number().int().min(0),
      }),
    )
    .optional(),
  deribitCancelOnDisconnect: z.boolean().optional(),
});

// A Deribit key's matching-engine credit pool; only apiKey = read it.
const creditsSchema = z.strictObject({
  apiKey: z.string().min(1),
  perSecond: z.number().finite().min(0).optional(),
  burst: z.number().int().min(0).optional(),
  spend: z.number().int().min(0).optional(),
});

const logFilterSchema = z.strictObject({
  venue: z.enum(VENUES).optional(),
  path: z.string().optional(),
  method: z.string().optional(),
});

export function handleControl(core: SimCore, req: SimRequest): ControlAnswer {
  const route = `${req.method} ${req.path.replace(/\/+$/, "")}`;
  switch (route) {
    case "GET /__sim/health":
      return ok({ ok: true });
    case "GET /__sim/log": {
      const filter = parse(logFilterSchema, Object.fromEntries(new URLSearchParams(req.rawQuery)));
      return "error" in filter ? filter.error : ok({ entries: core.log.list(filter.data) });
    }
    case "DELETE /__sim/log":
      core.log.clear();
      return ok({ ok: true });
    case "GET /__sim/state":
      return ok(stateOf(core));
    case "POST /__sim/restore":
      core.restore();
      return ok({ ok: true });
    case "GET /__sim/faults":
      return ok({ faults: core.faults.list() });
    case "DELETE /__sim/faults":
      core.faults.clear();
      return ok({ ok: true });
    case "POST /__sim/faults":
      return withBody(req, faultSchema, (spec) => ok({ id: core.faults.add(spec).id }));
    case "POST /__sim/clock":
      return withBody(req, clockSchema, ({ venue, skewMs }) => {
        core.setSkew(venue, skewMs);
        return ok({ ok: true });
      });
    case "POST /__sim/freeze":
      return withBody(req, freezeSchema, ({ apiKey, scope }) =>
        withScope(core, apiKey, scope, (s, now) => {
          // A disabled scope has no MMP rules, so nothing can trip it on the venue either.
          if (!s.config.enabled) return fail(409, "scope_disabled", `${scope} has MMP disabled`);
          s.trigger(now);
          return ok(s.snapshot(now));
        }),
      );
    case "POST /__sim/scope":
      return withBody(req, scopeSchema, ({ apiKey, scope, ...patch }) =>
        withScope(core, apiKey, scope, (s, now) => {
          s.patch(patch);
          return ok(s.snapshot(now));
        }),
      );
    case "POST /__sim/deadman":
      return withBody(req, deadManSchema, ({ apiKey, ...patch }) => {
        const account = core.state.account(apiKey);
        if (!account) return fail(404, "unknown_account", "no account with that apiKey");
        account.deadMan.patch(patch);
        return ok({ apiKey, ...account.deadMan.snapshot() });
      });
    case "POST /__sim/credits":
      return withBody(req, creditsSchema, ({ apiKey, ...patch }) => {
        const host = creditHost(core);
        if (core.state.account(apiKey)?.venue !== "deribit" || !host) {
          return fail(404, "unknown_account", "no Deribit account with that apiKey");
        }
        const pool = host.credits.configure(apiKey, patch);
        return pool
          ? ok(pool)
          : fail(400, "bad_request", "a key without a pool needs perSecond and burst");
      });
    case "GET /__sim/forbidden":
      return ok({ calls: core.forbidden.list() });
    case "POST /__sim/forbidden/clear":
      return ok({ cleared: core.forbidden.clear() });
    case "POST /__sim/ws/drop":
      // Cuts every websocket of a venue (no venue = all) abruptly, to exercise reconnects.
      return withBody(req, wsDropSchema, ({ venue }) => {
        const hosts = websocketHosts(core).filter((h) => venue === undefined || h.venue === venue);
        return ok({ closed: hosts.reduce((n, h) => n + h.websockets.drop(), 0) });
      });
    default:
      return fail(404, "not_found", `no control route ${route}`);
  }
}

function stateOf(core: SimCore) {
  const clocks = Object.fromEntries(
    VENUES.map((v: Venue) => [v, { skewMs: core.clocks.skewOf(v), now: core.now(v) }]),
  );
  return {
    clocks,
    accounts: core.state.accounts().map((a) => a.snapshot(core.now(a.venue))),
  };
}

function withScope(
  core: SimCore,
  apiKey: string,
  scope: string,
  fn: (s: ScopeState, now: number) => ControlAnswer,
): ControlAnswer {
  const account = core.state.account(apiKey);
  if (!account) return fail(404, "unknown_account", "no account with that apiKey");
  const s = account.scopes.get(scope);
  if (!s) return fail(404, "unknown_scope", `${account.id} has no scope ${scope}`);
  return fn(s, core.now(account.venue));
}

function withBody<T>(
  req: SimRequest,
  schema: z.ZodType<T>,
  fn: (data: T) => ControlAnswer,
): ControlAnswer {
  let json: unknown;
  try {
    json = req.body.length === 0 ? {} : JSON.parse(req.body.toString("utf8"));
  } catch {
    return fail(400, "bad_json", "body is not valid JSON");
  }
  const parsed = parse(schema, json);
  return "error" in parsed ? parsed.error : fn(parsed.data);
}

function parse<T>(schema: z.ZodType<T>, input: unknown): { data: T } | { error: ControlAnswer } {
  const r = schema.safeParse(input);
  if (r.success) return { data: r.data };
  const issues = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  return { error: { status: 400, body: { error: "bad_request", issues } } };
}

function ok(body: unknown): ControlAnswer {
  return { status: 200, body };
}

function fail(status: number, error: string, message: string): ControlAnswer {
  return { status, body: { error, message } };
}
