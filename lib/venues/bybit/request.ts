import "server-only";
import { z } from "zod";
import { venueNow, withClockRetry } from "@/lib/venues/clock";
import { VenueError } from "@/lib/venues/errors";
import {
  parseVenueJson,
  sendVenueRequest,
  type UsageRule,
  type VenueRequest,
  type VenueResponse,
} from "@/lib/venues/http";
import type { AdapterContext } from "@/lib/venues/types";
import { bybitError } from "@/lib/venues/bybit/errors";
import { bybitPayload, bybitSignature } from "@/lib/venues/bybit/sign";

const RECV_WINDOW_MS = 5000;
const envelope = z.looseObject({
  retCode: z.number(),
  retMsg: z.string(),
  result: z.unknown().optional(),
});
const timeBody = z.looseObject({ time: z.number() });

export const clockKey = (ctx: AdapterContext) => `bybit ${ctx.baseUrl}`;

/** X-Bapi-Limit-Status 0: this key's request window is used up until X-Bapi-Limit-Reset-Timestamp
 * (epoch ms; a second when it is missing or past). */
export const bybitUsage: UsageRule = (headers, now) => {
  if (headers.get("x-bapi-limit-status") !== "0") return null;
  const reset = Number(headers.get("x-bapi-limit-reset-timestamp"));
  return {
    reason: "venue usage limit reached (X-Bapi-Limit-Status 0)",
    until: Number.isFinite(reset) && reset > now ? reset : now + 1000,
  };
};

/** Every Bybit request goes out with Bybit's usage-header rule. */
export const bybitRequest = (req: Omit<VenueRequest, "usage">): Promise<VenueResponse> =>
  sendVenueRequest({ ...req, usage: bybitUsage });

function retryAfter(res: VenueResponse): number | undefined {
  const reset = Number(res.headers.get("x-bapi-limit-reset-timestamp"));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset - Date.now()) : undefined;
}

/** Unwraps Bybit's envelope; retCode ≠ 0 becomes a typed VenueError. */
export function unwrap(res: VenueResponse, mutation: boolean): unknown {
  if (res.status === 403) {
    throw new VenueError("banned", "Bybit: IP rate ban (HTTP 403); wait at least 10 minutes", {
      httpStatus: 403,
      retryAfterMs: 10 * 60_000,
    });
  }
  const parsed = envelope.safeParse(parseVenueJson(res, mutation));
  if (!parsed.success) {
    if (mutation)
      throw new VenueError(
        "unknown_outcome",
        `Bybit sent an unexpected answer (HTTP ${res.status})`,
      );
    throw new VenueError("bad_response", `Bybit sent an unexpected answer (HTTP ${res.status})`);
  }
  if (parsed.data.retCode !== 0)
    throw bybitError(parsed.data.retCode, parsed.data.retMsg, res.status, retryAfter(res));
  return parsed.data.result;
}

export async function bybitServerTime(ctx: AdapterContext): Promise<number> {
  const res = await bybitRequest({
    method: "GET",
    url: `${ctx.baseUrl}/v5/market/time`,
    headers: {},
    timeoutMs: ctx.timeouts.readMs,
    mutation: false,
  });
  const parsed = timeBody.safeParse(parseVenueJson(res, false));
  if (!parsed.success)
    throw new VenueError("bad_response", "Bybit: unexpected /v5/market/time answer");
  return parsed.data.time;
}

interface SignedCall {
  method: "GET" | "POST";
  path: string;
  /** GET: the query string sent verbatim; POST: the JSON body sent verbatim. */
  payload: string;
  mutation: boolean;
}

export interface SignedResult {
  result: unknown;
}

async function attempt(ctx: AdapterContext, call: SignedCall): Promise<SignedResult> {
  const timestamp = venueNow(clockKey(ctx));
  const sign = bybitSignature(
    ctx.credentials,
    bybitPayload(timestamp, ctx.credentials.apiKey, RECV_WINDOW_MS, call.payload),
  );
  const isGet = call.method === "GET";
  const res = await bybitRequest({
    method: call.method,
    url: `${ctx.baseUrl}${call.path}${isGet && call.payload ? `?${call.payload}` : ""}`,
    headers: {
      "X-BAPI-API-KEY": ctx.credentials.apiKey,
      "X-BAPI-TIMESTAMP": String(timestamp),
      "X-BAPI-RECV-WINDOW": String(RECV_WINDOW_MS),
      "X-BAPI-SIGN": sign,
      ...(isGet ? {} : { "Content-Type": "application/json" }),
    },
    body: isGet ? undefined : call.payload,
    timeoutMs: call.mutation ? ctx.timeouts.resetMs : ctx.timeouts.readMs,
    mutation: call.mutation,
  });
  return { result: unwrap(res, call.mutation) };
}

/** A signed private call; a 10002 re-syncs the clock and retries once (withClockRetry). */
export function bybitSigned(ctx: AdapterContext, call: SignedCall): Promise<SignedResult> {
  return withClockRetry(
    clockKey(ctx),
    () => bybitServerTime(ctx),
    () => attempt(ctx, call),
  );
}
