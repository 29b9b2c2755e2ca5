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
import { okxError } from "@/lib/venues/okx/errors";
import { okxPrehash, okxTimestamp, signOkxHmac } from "@/lib/venues/okx/sign";

// OKX's envelope: `code` is a STRING ("0" = success). A numeric code is not OKX's contract, so it
// is treated as an unexpected answer rather than silently coerced.
const envelope = z.looseObject({
  code: z.string(),
  msg: z.string(),
  data: z.array(z.unknown()).optional(),
});
const timeData = z.array(z.looseObject({ ts: z.string().regex(/^\d{1,16}$/) })).min(1);

// Demo trading is the same host with a header, so live and demo share one clock offset.
export const clockKey = (ctx: AdapterContext) => `okx ${ctx.baseUrl}`;

/** Unwraps OKX's envelope; code ≠ "0" becomes a typed VenueError. */
function unwrap(res: VenueResponse, mutation: boolean): unknown[] {
  const parsed = envelope.safeParse(parseVenueJson(res, mutation));
  if (!parsed.success) {
    // OKX sends its auth failures as HTTP 401; one without a readable body is still definite.
    if (res.status === 401)
      throw new VenueError("auth", "OKX: request rejected as unauthorised (HTTP 401)", {
        httpStatus: 401,
      });
    throw new VenueError(
      mutation ? "unknown_outcome" : "bad_response",
      `OKX sent an unexpected answer (HTTP ${res.status})`,
      { httpStatus: res.status },
    );
  }
  const { code, msg, data } = parsed.data;
  if (code !== "0")
    throw okxError(code, msg, res.status, parseRetryAfterMs(res.headers.get("retry-after")));
  return data ?? [];
}

export async function okxServerTime(ctx: AdapterContext): Promise<number> {
  const res = await sendVenueRequest({
    method: "GET",
    url: `${ctx.baseUrl}/api/v5/public/time`,
    headers: {},
    timeoutMs: ctx.timeouts.readMs,
    mutation: false,
  });
  const data = timeData.safeParse(unwrap(res, false));
  const first = data.success ? data.data[0] : undefined;
  if (!first) throw new VenueError("bad_response", "OKX: unexpected /api/v5/public/time answer");
  return Number(first.ts);
}

interface SignedCall {
  method: "GET" | "POST";
  path: string;
  /** GET: the query string sent verbatim (part of the signed requestPath); "" = none. */
  query?: string;
  /** POST: the JSON body, signed and sent as these exact bytes. */
  body?: string;
  mutation: boolean;
}

export interface SignedResult {
  data: unknown[];
  /** App server clock when the answer arrived: the base of duration-form times (normalise.ts). */
  receivedAt: number;
}

function secretsOf(ctx: AdapterContext) {
  const { credentials } = ctx;
  // Refused before anything is sent: OKX keys are HMAC only and always carry a passphrase.
  if (credentials.keyType !== "hmac")
    throw new VenueError("auth", `OKX accepts HMAC keys only, not ${credentials.keyType}`);
  if (!credentials.passphrase)
    throw new VenueError("auth", "OKX: the account has no passphrase configured");
  return { secret: credentials.apiSecret, passphrase: credentials.passphrase };
}

async function attempt(ctx: AdapterContext, call: SignedCall): Promise<SignedResult> {
  const { secret, passphrase } = secretsOf(ctx);
  const isGet = call.method === "GET";
  const requestPath = `${call.path}${isGet && call.query ? `?${call.query}` : ""}`;
  const body = isGet ? "" : (call.body ?? "");
  const timestamp = okxTimestamp(venueNow(clockKey(ctx)));
  const sign = signOkxHmac(secret.reveal(), okxPrehash(timestamp, call.method, requestPath, body));
  const res = await sendVenueRequest({
    method: call.method,
    url: `${ctx.baseUrl}${requestPath}`,
    headers: {
      "OK-ACCESS-KEY": ctx.credentials.apiKey,
      "OK-ACCESS-SIGN": sign,
      "OK-ACCESS-TIMESTAMP": timestamp,
      "OK-ACCESS-PASSPHRASE": passphrase.reveal(),
      ...(isGet ? {} : { "Content-Type": "application/json" }),
      ...(ctx.demoTrading ? { "x-simulated-trading": "1" } : {}),
    },
    body: isGet ? undefined : body,
    timeoutMs: call.mutation ? ctx.timeouts.resetMs : ctx.timeouts.readMs,
    mutation: call.mutation,
  });
  return { data: unwrap(res, call.mutation), receivedAt: Date.now() };
}

/** A signed private call; a 50102/50112 re-syncs the clock and retries once (withClockRetry). */
export function okxSigned(ctx: AdapterContext, call: SignedCall): Promise<SignedResult> {
  return withClockRetry(
    clockKey(ctx),
    () => okxServerTime(ctx),
    () => attempt(ctx, call),
  );
}
