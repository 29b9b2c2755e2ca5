import "server-only";
import { z } from "zod";
import { venueNow, withClockRetry } from "@/lib/venues/clock";
import { VenueError } from "@/lib/venues/errors";
import {
  parseRetryAfterMs,
  parseVenueJson,
  sendVenueRequest,
  type VenueResponse,
} from "@/lib/venues/http";
import type { AdapterContext } from "@/lib/venues/types";
import { deribitError } from "@/lib/venues/deribit/errors";
import {
  deribitAuthorization,
  deribitHttpPayload,
  deribitSecret,
  newNonce,
  signDeribit,
} from "@/lib/venues/deribit/sign";

// JSON-RPC over HTTP: `${baseUrl}/api/v2/<method>`. Reads go as GET with the params in the query
// string, resets and config changes as POST with a JSON-RPC body; either way the signature
// header covers the exact URI and body bytes sent.

const errorBody = z.looseObject({
  code: z.number(),
  message: z.string(),
  data: z.unknown().optional(),
});
const envelope = z.looseObject({ result: z.unknown().optional(), error: errorBody.optional() });

export const clockKey = (ctx: AdapterContext) => `deribit ${ctx.baseUrl}`;

/** Origin and path prefix of the base URL, so a base with a path still signs the real URI. */
export function deribitBase(baseUrl: string): { origin: string; prefix: string } {
  const url = new URL(baseUrl);
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, "") };
}

/** A 429 is a refusal (nothing was done): its body names the limit (10028: credits used up);
 * without a readable one it is the venue's generic rate limit. */
function refusal(res: VenueResponse, mutation: boolean): VenueError {
  let body: unknown = null;
  try {
    body = JSON.parse(res.text);
  } catch {
    // Not JSON: the generic rate limit below.
  }
  const parsed = envelope.safeParse(body);
  if (parsed.success && parsed.data.error)
    return deribitError(parsed.data.error, mutation, res.status);
  return new VenueError("rate_limited", "Deribit: venue rate limit reached (HTTP 429)", {
    httpStatus: 429,
    retryAfterMs: parseRetryAfterMs(res.headers.get("retry-after")),
  });
}

/** Unwraps the JSON-RPC envelope; an `error` member becomes a typed VenueError. */
function unwrap(res: VenueResponse, mutation: boolean): unknown {
  if (res.status === 429) throw refusal(res, mutation);
  const parsed = envelope.safeParse(parseVenueJson(res, mutation));
  if (parsed.success && parsed.data.error)
    throw deribitError(parsed.data.error, mutation, res.status);
  if (!parsed.success || !("result" in parsed.data)) {
    throw new VenueError(
      mutation ? "unknown_outcome" : "bad_response",
      `Deribit sent an unexpected answer (HTTP ${res.status})`,
      { httpStatus: res.status },
    );
  }
  return parsed.data.result;
}

export async function deribitServerTime(ctx: AdapterContext): Promise<number> {
  const { origin, prefix } = deribitBase(ctx.baseUrl);
  const res = await sendVenueRequest({
    method: "GET",
    url: `${origin}${prefix}/api/v2/public/get_time`,
    headers: {},
    timeoutMs: ctx.timeouts.readMs,
    mutation: false,
  });
  const time = z.number().safeParse(unwrap(res, false));
  if (!time.success)
    throw new VenueError("bad_response", "Deribit: unexpected public/get_time answer");
  return time.data;
}

export interface PrivateCall {
  /** e.g. "private/get_mmp_config". */
  method: string;
  /** Numbers travel as JSON numbers in a POST body (the venue's types) and as text in a query. */
  params: Record<string, string | number>;
  mutation: boolean;
}

export interface PrivateResult {
  result: unknown;
}

let rpcId = 0;

async function attempt(ctx: AdapterContext, call: PrivateCall): Promise<PrivateResult> {
  const { origin, prefix } = deribitBase(ctx.baseUrl);
  const path = `${prefix}/api/v2/${call.method}`;
  const httpMethod = call.mutation ? "POST" : "GET";
  const query = new URLSearchParams(
    Object.entries(call.params).map(([k, v]) => [k, String(v)]),
  ).toString();
  const uri = httpMethod === "GET" && query ? `${path}?${query}` : path;
  // Serialised once: these exact bytes are both signed and sent.
  const body =
    httpMethod === "POST"
      ? JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method: call.method, params: call.params })
      : "";
  const timestamp = venueNow(clockKey(ctx));
  const nonce = newNonce();
  const signature = signDeribit(
    deribitSecret(ctx.credentials),
    deribitHttpPayload(timestamp, nonce, httpMethod, uri, body),
  );
  const res = await sendVenueRequest({
    method: httpMethod,
    url: `${origin}${uri}`,
    headers: {
      Authorization: deribitAuthorization(ctx.credentials.apiKey, timestamp, signature, nonce),
      ...(httpMethod === "POST" ? { "Content-Type": "application/json" } : {}),
    },
    body: httpMethod === "POST" ? body : undefined,
    timeoutMs: call.mutation ? ctx.timeouts.resetMs : ctx.timeouts.readMs,
    mutation: call.mutation,
    refusalInBody: true,
  });
  return { result: unwrap(res, call.mutation) };
}

/** A signed private call; a stale-timestamp rejection re-syncs the clock and retries once. */
export function deribitPrivate(ctx: AdapterContext, call: PrivateCall): Promise<PrivateResult> {
  return withClockRetry(
    clockKey(ctx),
    () => deribitServerTime(ctx),
    () => attempt(ctx, call),
  );
}
