import "server-only";
import { z } from "zod";
import { venueNow, withClockRetry } from "@/lib/venues/clock";
import { VenueError } from "@/lib/venues/errors";
import { parseVenueJson, sendVenueRequest } from "@/lib/venues/http";
import type { AdapterContext } from "@/lib/venues/types";
import { binanceError } from "@/lib/venues/binance/errors";
import { binanceSignature } from "@/lib/venues/binance/sign";
import { binanceUsageFor } from "@/lib/venues/binance/weight";

const RECV_WINDOW_MS = 5000;
const errorBody = z.object({ code: z.number(), msg: z.string() });
const timeBody = z.object({ serverTime: z.number() });

export const clockKey = (ctx: AdapterContext) => `binance ${ctx.baseUrl}`;

/** An unsigned market-data GET (time, exchangeInfo), its JSON body. */
export async function binancePublic(ctx: AdapterContext, path: string): Promise<unknown> {
  const res = await sendVenueRequest({
    method: "GET",
    url: `${ctx.baseUrl}${path}`,
    headers: {},
    timeoutMs: ctx.timeouts.readMs,
    mutation: false,
    usage: binanceUsageFor(ctx.baseUrl),
  });
  return parseVenueJson(res, false);
}

export async function binanceServerTime(ctx: AdapterContext): Promise<number> {
  const parsed = timeBody.safeParse(await binancePublic(ctx, "/eapi/v1/time"));
  if (!parsed.success)
    throw new VenueError("bad_response", "Binance: unexpected /eapi/v1/time answer");
  return parsed.data.serverTime;
}

interface SignedCall {
  method: "GET" | "POST";
  path: string;
  params: Record<string, string>;
  mutation: boolean;
}

export interface SignedResult {
  body: unknown;
  /** The venue-clock timestamp the accepted request was signed with. */
  timestamp: number;
}

async function attempt(ctx: AdapterContext, call: SignedCall): Promise<SignedResult> {
  const timestamp = venueNow(clockKey(ctx));
  const totalParams = new URLSearchParams({
    ...call.params,
    recvWindow: String(RECV_WINDOW_MS),
    timestamp: String(timestamp),
  }).toString();
  const signed = `${totalParams}&signature=${binanceSignature(ctx.credentials, totalParams)}`;
  const isGet = call.method === "GET";
  const res = await sendVenueRequest({
    method: call.method,
    url: `${ctx.baseUrl}${call.path}${isGet ? `?${signed}` : ""}`,
    headers: {
      "X-MBX-APIKEY": ctx.credentials.apiKey,
      ...(isGet ? {} : { "Content-Type": "application/x-www-form-urlencoded" }),
    },
    body: isGet ? undefined : signed,
    timeoutMs: call.mutation ? ctx.timeouts.resetMs : ctx.timeouts.readMs,
    mutation: call.mutation,
    usage: binanceUsageFor(ctx.baseUrl),
  });
  const body = parseVenueJson(res, call.mutation);
  const err = errorBody.safeParse(body);
  if (err.success && err.data.code < 0) throw binanceError(err.data.code, err.data.msg, res.status);
  if (res.status !== 200) {
    // A 4xx without the venue's error body: the venue did not act, but we cannot say why.
    throw new VenueError("rejected", `Binance answered HTTP ${res.status}`, {
      httpStatus: res.status,
    });
  }
  return { body, timestamp };
}

/** A signed USER_DATA call; a -1021 re-syncs the clock and retries once (withClockRetry). */
export function binanceSigned(ctx: AdapterContext, call: SignedCall): Promise<SignedResult> {
  return withClockRetry(
    clockKey(ctx),
    () => binanceServerTime(ctx),
    () => attempt(ctx, call),
  );
}
