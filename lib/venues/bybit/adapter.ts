import "server-only";
import { z } from "zod";
import { clockOffset } from "@/lib/venues/clock";
import { VenueError, isVenueError } from "@/lib/venues/errors";
import type { AdapterContext, ScopeRead, ScopeState, VenueAdapter } from "@/lib/venues/types";
import { bybitMmpSchema, normaliseBybit } from "@/lib/venues/bybit/normalise";
import {
  bybitRequest,
  bybitServerTime,
  bybitSigned,
  clockKey,
  unwrap,
} from "@/lib/venues/bybit/request";
import { stateWithout } from "@/lib/venues/scope-state";
import { readBybitDeadMan } from "@/lib/venues/bybit/dead-man";
import { readBybitLimits, setBybitLimits } from "@/lib/venues/bybit/limits";

const stateResult = z.looseObject({ result: z.array(z.unknown()) });
const instruments = z.looseObject({
  list: z.array(z.looseObject({ baseCoin: z.string() })),
  nextPageCursor: z.string().optional(),
});
const MAX_INSTRUMENT_PAGES = 20;

const disabled = (code: string, message: string): ScopeState =>
  stateWithout("disabled", code, message);

async function readOne(ctx: AdapterContext, baseCoin: string): Promise<ScopeRead> {
  try {
    const { result } = await bybitSigned(ctx, {
      method: "GET",
      path: "/v5/account/mmp-state",
      payload: new URLSearchParams({ baseCoin }).toString(),
      mutation: false,
    });
    const list = stateResult.safeParse(result);
    if (!list.success) throw new VenueError("bad_response", "Bybit: unexpected mmp-state answer");
    const entry = list.data.result
      .map((e) => bybitMmpSchema.safeParse(e))
      .find((e) => e.success && e.data.baseCoin === baseCoin);
    if (!entry?.success) {
      return {
        scope: baseCoin,
        state: disabled("not_configured", `Bybit: no MMP configuration for ${baseCoin}`),
      };
    }
    return { scope: baseCoin, state: normaliseBybit(entry.data, clockOffset(clockKey(ctx))) };
  } catch (err) {
    // "MMP not enabled" is the account's state, shown as DISABLED rather than as an error.
    if (isVenueError(err) && err.kind === "not_enabled") {
      return { scope: baseCoin, state: disabled("not_enabled", err.message) };
    }
    throw err;
  }
}

export const bybitAdapter: VenueAdapter = {
  venue: "bybit",
  label: "Bybit",
  scopePattern: /^[A-Z0-9]{2,12}$/,
  keyTypes: ["hmac", "rsa"],
  needsPassphrase: false,
  readDeadMan: readBybitDeadMan,
  // mmp-reset 5/s per key, mmp-state undocumented (docs/venues.md#bybit-rate-limits)
  rateLimit: { perSecond: 8, burst: 8 },
  // mmp-reset and mmp-modify are limited per endpoint, apart from reads: their own budget, so a
  // reset never waits behind polls. Burst + 1 s of rate stays at 5 in any second.
  mutationLimit: { perSecond: 3, burst: 2 },
  readCost: (n) => n,

  async listScopes(ctx) {
    const coins = new Set<string>();
    let cursor = "";
    for (let page = 0; page < MAX_INSTRUMENT_PAGES; page += 1) {
      const query = new URLSearchParams({
        category: "option",
        limit: "1000",
        ...(cursor ? { cursor } : {}),
      });
      const res = await bybitRequest({
        method: "GET",
        url: `${ctx.baseUrl}/v5/market/instruments-info?${query.toString()}`,
        headers: {},
        timeoutMs: ctx.timeouts.readMs,
        mutation: false,
      });
      const parsed = instruments.safeParse(unwrap(res, false));
      if (!parsed.success)
        throw new VenueError("bad_response", "Bybit: unexpected instruments-info answer");
      for (const i of parsed.data.list) coins.add(i.baseCoin);
      cursor = parsed.data.nextPageCursor ?? "";
      if (!cursor) break;
    }
    return [...coins].sort();
  },

  readScopes(ctx, scopes) {
    return Promise.all(scopes.map((scope) => readOne(ctx, scope)));
  },

  async reset(ctx, scope) {
    // The body is serialised once and those exact bytes are both signed and sent.
    const { result } = await bybitSigned(ctx, {
      method: "POST",
      path: "/v5/account/mmp-reset",
      payload: JSON.stringify({ baseCoin: scope }),
      mutation: true,
    });
    return { venueAnswer: JSON.stringify({ retCode: 0, result }).slice(0, 500) };
  },

  serverTime: bybitServerTime,
  readLimits: readBybitLimits,
  setLimits: setBybitLimits,
};
