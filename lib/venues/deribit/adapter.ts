import "server-only";
import { z } from "zod";
import { singleton } from "@/lib/platform/singleton";
import { clockOffset, venueNow } from "@/lib/venues/clock";
import { VenueError, isVenueError } from "@/lib/venues/errors";
import type { AdapterContext, ScopeRead, VenueAdapter } from "@/lib/venues/types";
import {
  deribitConfigSchema,
  deribitStatusSchema,
  normaliseDeribit,
  sameGroup,
} from "@/lib/venues/deribit/normalise";
import { subscribeDeribit } from "@/lib/venues/deribit/push";
import { clockKey, deribitPrivate, deribitServerTime } from "@/lib/venues/deribit/request";
import { DERIBIT_SCOPE_PATTERN, deribitScope, parseDeribitScope } from "@/lib/venues/deribit/scope";
import { stateWithout } from "@/lib/venues/scope-state";
import { readDeribitDeadMan } from "@/lib/venues/deribit/dead-man";
import { readDeribitLimits, setDeribitLimits } from "@/lib/venues/deribit/limits";

// Without index_name both lists cover every index and every MMP group, so one read is at most
// two calls, however many scopes the account watches. Every MMP call is a matching-engine call
// that spends the credits the account quotes with (docs/venues.md#deribit-credits): the
// configuration (limits, which change only when someone edits them) is re-read every
// CONFIG_EVERY_MS, the status (frozen or not) on every read.
const CONFIG_EVERY_MS = 30_000;
type Configs = z.infer<typeof deribitConfigSchema>[];
// Process-wide, not per bundle: a limit change (an API route's bundle) drops the entry the
// poller (another bundle) reads, so the desk shows the new limits at its next poll.
const configCache = singleton(
  "deribit-config-cache",
  () => new Map<string, { at: number; configs: Configs }>(),
);

async function readConfigs(ctx: AdapterContext): Promise<Configs> {
  const cached = configCache.get(ctx.accountId);
  if (cached && Date.now() - cached.at < CONFIG_EVERY_MS) return cached.configs;
  const config = await deribitPrivate(ctx, {
    method: "private/get_mmp_config",
    params: {},
    mutation: false,
  });
  const configs = z.array(deribitConfigSchema).safeParse(config.result);
  if (!configs.success)
    throw new VenueError("bad_response", "Deribit: unexpected get_mmp_config answer");
  configCache.set(ctx.accountId, { at: Date.now(), configs: configs.data });
  return configs.data;
}

async function readAll(ctx: AdapterContext) {
  const [configs, status] = await Promise.all([
    readConfigs(ctx),
    deribitPrivate(ctx, { method: "private/get_mmp_status", params: {}, mutation: false }),
  ]);
  const statuses = z.array(deribitStatusSchema).safeParse(status.result);
  if (!statuses.success)
    throw new VenueError("bad_response", "Deribit: unexpected get_mmp_status answer");
  return { configs, statuses: statuses.data };
}

function readScope(
  scope: string,
  all: Awaited<ReturnType<typeof readAll>>,
  ctx: AdapterContext,
): ScopeRead {
  if (!DERIBIT_SCOPE_PATTERN.test(scope)) {
    return { scope, state: stateWithout("unknown", "bad_scope", `Deribit: bad scope "${scope}"`) };
  }
  const { index, group } = parseDeribitScope(scope);
  const key = { index_name: index, mmp_group: group };
  const config = all.configs.find((c) => sameGroup(c, key));
  if (!config) {
    return {
      scope,
      state: stateWithout(
        "disabled",
        "not_configured",
        `Deribit: no MMP configuration for ${scope}`,
      ),
    };
  }
  const status = all.statuses.find((s) => sameGroup(s, key)) ?? null;
  const clock = { offsetMs: clockOffset(clockKey(ctx)), venueNowMs: venueNow(clockKey(ctx)) };
  return { scope, state: normaliseDeribit(config, status, clock) };
}

export const deribitAdapter: VenueAdapter = {
  venue: "deribit",
  label: "Deribit",
  keyTypes: ["hmac"],
  needsPassphrase: false,
  // Not sliding: the interval starts at the first trade (venues.md 2026-11).
  windowKind: "interval",
  // MMP calls draw on the matching-engine credit pool the account quotes with.
  sparseWhenPushed: true,
  readDeadMan: readDeribitDeadMan,
  // Counted in matching-engine credits: the pool is the market maker's own quoting budget (about
  // 30/s with a burst of 100 at the top tier, less below), so the desk allows itself a tenth of
  // the top tier's rate by default; an account's `requestsPerSecond` sets it per tier
  // (docs/venues.md#deribit-credits). Every call draws on it, the rare ones outside the pool (the
  // clock, the dead-man read) too: it errs on the side of the quoting engine.
  rateLimit: { perSecond: 3, burst: 6 },
  // One get_mmp_status per poll; get_mmp_config only every 30 s.
  readCost: () => 1,
  scopePattern: DERIBIT_SCOPE_PATTERN,

  async listScopes(ctx) {
    const { configs } = await readAll(ctx);
    const scopes = configs.map((c) => deribitScope(c.index_name, c.mmp_group));
    return [...new Set(scopes)].filter((s) => DERIBIT_SCOPE_PATTERN.test(s)).sort();
  },

  async readScopes(ctx, scopes) {
    try {
      const all = await readAll(ctx);
      return scopes.map((scope) => readScope(scope, all, ctx));
    } catch (err) {
      // 13040 "not an MMP user" is the account's state, shown as DISABLED rather than an error.
      if (isVenueError(err) && err.kind === "not_enabled") {
        return scopes.map((scope) => ({
          scope,
          state: stateWithout("disabled", "not_enabled", err.message),
        }));
      }
      throw err;
    }
  },

  async reset(ctx, scope) {
    const { index, group } = parseDeribitScope(scope);
    const { result } = await deribitPrivate(ctx, {
      method: "private/reset_mmp",
      params: { index_name: index, ...(group ? { mmp_group: group } : {}) },
      mutation: true,
    });
    // Anything but the documented "ok" leaves us unable to say what the venue did.
    if (result !== "ok") {
      throw new VenueError(
        "unknown_outcome",
        `Deribit: unexpected reset_mmp answer ${JSON.stringify(result).slice(0, 200)}`,
      );
    }
    return { venueAnswer: JSON.stringify({ result }) };
  },

  readLimits: readDeribitLimits,

  async setLimits(ctx, scope, limits) {
    try {
      return await setDeribitLimits(ctx, scope, limits);
    } finally {
      // Whatever the outcome, the cached configuration may now be the old one (a read during
      // the call may even have cached it again): the next read fetches it afresh. The reset the
      // set triggers needs nothing more here, as reset_mmp does not: the status is read on
      // every poll.
      configCache.delete(ctx.accountId);
    }
  },

  serverTime: deribitServerTime,

  subscribe: subscribeDeribit,
};
