import "server-only";
import { z } from "zod";
import { clearedTriggerOf, noteClearedTrigger } from "@/lib/venues/cleared-triggers";
import { clockOffset, venueNow } from "@/lib/venues/clock";
import { VenueError, isVenueError } from "@/lib/venues/errors";
import type { AdapterContext, ScopeRead, VenueAdapter } from "@/lib/venues/types";
import { binanceMmpSchema, normaliseBinance } from "@/lib/venues/binance/normalise";
import {
  binancePublic,
  binanceServerTime,
  binanceSigned,
  clockKey,
} from "@/lib/venues/binance/request";
import { stateWithout } from "@/lib/venues/scope-state";
import { readBinanceDeadMan } from "@/lib/venues/binance/dead-man";
import { readBinanceLimits, setBinanceLimits } from "@/lib/venues/binance/limits";
import { binanceHostLimit, learnBinanceWeight } from "@/lib/venues/binance/weight";

const EXCHANGE_INFO = "/eapi/v1/exchangeInfo";

const exchangeInfoSchema = z.looseObject({
  optionContracts: z.array(z.looseObject({ underlying: z.string() })),
});

function parseMmp(body: unknown) {
  const parsed = binanceMmpSchema.safeParse(body);
  if (!parsed.success) throw new VenueError("bad_response", "Binance: unexpected MMP answer");
  return parsed.data;
}

async function readOne(ctx: AdapterContext, scope: string): Promise<ScopeRead> {
  try {
    const { body } = await binanceSigned(ctx, {
      method: "GET",
      path: "/eapi/v1/mmp",
      params: { underlying: scope },
      mutation: false,
    });
    const state = normaliseBinance(parseMmp(body), {
      venueNowMs: venueNow(clockKey(ctx)),
      offsetMs: clockOffset(clockKey(ctx)),
      // The trigger a reset through the desk cleared (any process's, any earlier run's).
      clearedTriggerAt: clearedTriggerOf(ctx.accountId, scope),
    });
    return { scope, state };
  } catch (err) {
    // Scope-level answers become the row's state; account-wide failures propagate.
    if (isVenueError(err) && (err.kind === "not_enabled" || err.kind === "bad_scope")) {
      const status = err.kind === "not_enabled" ? "disabled" : "unknown";
      return { scope, state: stateWithout(status, err.kind, err.message) };
    }
    throw err;
  }
}

export const binanceAdapter: VenueAdapter = {
  venue: "binance",
  label: "Binance Options",
  keyTypes: ["hmac", "rsa", "ed25519"],
  needsPassphrase: false,
  // weight 1 per MMP call; the weight budget is per IP, see docs/venues.md#binance-rate-limits
  rateLimit: { perSecond: 10, burst: 20 },
  hostLimit: binanceHostLimit,
  readCost: (n) => n,
  readDeadMan: readBinanceDeadMan,
  scopePattern: /^[A-Z0-9]{2,20}$/,

  async listScopes(ctx) {
    const parsed = exchangeInfoSchema.safeParse(await binancePublic(ctx, EXCHANGE_INFO));
    if (!parsed.success)
      throw new VenueError("bad_response", "Binance: unexpected exchangeInfo answer");
    return [...new Set(parsed.data.optionContracts.map((c) => c.underlying))].sort();
  },

  async readScopes(ctx, scopes) {
    await learnBinanceWeight(ctx, () => binancePublic(ctx, EXCHANGE_INFO));
    return Promise.all(scopes.map((scope) => readOne(ctx, scope)));
  },

  async reset(ctx, scope) {
    const result = await binanceSigned(ctx, {
      method: "POST",
      path: "/eapi/v1/mmpReset",
      params: { underlying: scope },
      mutation: true,
    });
    // The answer is the MMP object after the reset; a venue that keeps lastTriggerTime tells us
    // exactly which trigger was cleared. Without a readable answer, the signing time (venue
    // clock) is the best bound we have.
    const answer = binanceMmpSchema.safeParse(result.body);
    noteClearedTrigger(
      ctx.accountId,
      scope,
      answer.success ? answer.data.lastTriggerTime : result.timestamp,
    );
    const stateAfter = answer.success
      ? normaliseBinance(answer.data, {
          venueNowMs: venueNow(clockKey(ctx)),
          offsetMs: clockOffset(clockKey(ctx)),
          clearedTriggerAt: answer.data.lastTriggerTime,
        })
      : undefined;
    return {
      venueAnswer: JSON.stringify(result.body).slice(0, 500),
      stateAfter,
    };
  },

  serverTime: binanceServerTime,
  readLimits: readBinanceLimits,
  setLimits: setBinanceLimits,
};
