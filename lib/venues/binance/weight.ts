import "server-only";
import { z } from "zod";
import { singleton } from "@/lib/platform/singleton";
import { log } from "@/lib/platform/log";
import type { RateLimit } from "@/lib/venues/guard/budget";
import type { UsageRule } from "@/lib/venues/http";
import type { AdapterContext } from "@/lib/venues/types";

// Binance counts request weight per IP, not per key: every Binance account this server polls
// shares one budget (venues.md 2026-11). Its size is documented inconsistently (2,400/min in
// examples, 3,000/min elsewhere), so it is read from exchangeInfo's rateLimits once per host, and
// the smaller figure is assumed until then. The desk takes SHARE of it (the rest is margin for
// anything else on the same IP) and watches X-MBX-USED-WEIGHT-1M on every answer: when the
// minute's weight is nearly used up, the whole host waits for the next minute.

const ASSUMED_PER_MINUTE = 2400;
const SHARE = 0.8;
/** Used weight at which the host stops until the minute ends. */
const STOP_AT = 0.95;
const RELEARN_AFTER_FAILURE_MS = 10 * 60_000;

const rateLimits = z.looseObject({
  rateLimits: z.array(
    z.looseObject({
      rateLimitType: z.string(),
      interval: z.string(),
      intervalNum: z.number(),
      limit: z.number(),
    }),
  ),
});

interface HostWeight {
  perMinute: number;
  learnt: boolean;
  triedAt: number;
}

const hosts = singleton("binance-weight", () => new Map<string, HostWeight>());
const hostOf = (baseUrl: string) => new URL(baseUrl).host;

function weightOf(baseUrl: string): HostWeight {
  const host = hostOf(baseUrl);
  let w = hosts.get(host);
  if (!w) {
    w = { perMinute: ASSUMED_PER_MINUTE, learnt: false, triedAt: 0 };
    hosts.set(host, w);
  }
  return w;
}

/** The host's shared budget as a token bucket: at most SHARE of the minute's weight, with a
 * tenth of it as burst (so burst + a minute's refill stays under the venue's limit). */
export function binanceHostLimit(baseUrl: string): RateLimit {
  const usable = weightOf(baseUrl).perMinute * SHARE;
  return { perSecond: usable / 60, burst: Math.max(2, Math.floor(usable / 10)) };
}

/** Reads exchangeInfo's REQUEST_WEIGHT per minute for the host, once (again after a failure,
 * not before RELEARN_AFTER_FAILURE_MS). */
export async function learnBinanceWeight(
  ctx: AdapterContext,
  exchangeInfo: () => Promise<unknown>,
): Promise<void> {
  const w = weightOf(ctx.baseUrl);
  if (w.learnt || Date.now() - w.triedAt < RELEARN_AFTER_FAILURE_MS) return;
  w.triedAt = Date.now();
  try {
    const parsed = rateLimits.safeParse(await exchangeInfo());
    const weight = parsed.success
      ? parsed.data.rateLimits.find(
          (l) => l.rateLimitType === "REQUEST_WEIGHT" && l.interval === "MINUTE" && l.limit > 0,
        )
      : undefined;
    if (!weight) {
      log.warn(
        { host: hostOf(ctx.baseUrl) },
        "no REQUEST_WEIGHT limit in exchangeInfo; assuming 2400/min",
      );
      return;
    }
    w.perMinute = weight.limit / Math.max(1, weight.intervalNum);
    w.learnt = true;
    log.info({ host: hostOf(ctx.baseUrl), perMinute: w.perMinute }, "venue weight budget per IP");
  } catch (err) {
    log.warn({ host: hostOf(ctx.baseUrl), err: String(err) }, "could not read the weight budget");
  }
}

/** X-MBX-USED-WEIGHT-1M near the host's limit: every account on the host waits for the next
 * minute (the venue counts fixed minutes). */
export function binanceUsageFor(baseUrl: string): UsageRule {
  return (headers, now) => {
    const used = Number(headers.get("x-mbx-used-weight-1m"));
    const limit = weightOf(baseUrl).perMinute;
    if (!Number.isFinite(used) || used < limit * STOP_AT) return null;
    return {
      reason: `venue weight budget per IP nearly used up (${used} of ${limit} this minute)`,
      until: now - (now % 60_000) + 60_000,
      scope: "host",
    };
  };
}
