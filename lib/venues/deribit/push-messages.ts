import "server-only";
import type { RawData } from "ws";
import { z } from "zod";
import { venueNow } from "@/lib/venues/clock";
import type { AdapterContext } from "@/lib/venues/types";
import { clockKey, deribitBase } from "@/lib/venues/deribit/request";
import { deribitSecret, deribitWsPayload, newNonce, signDeribit } from "@/lib/venues/deribit/sign";

// Wire shapes of Deribit's websocket JSON-RPC, as far as the MMP push channel needs them.

export const HEARTBEAT_S = 10;

export const incomingSchema = z.looseObject({
  id: z.number().optional(),
  result: z.unknown().optional(),
  error: z
    .looseObject({ code: z.number(), message: z.string(), data: z.unknown().optional() })
    .optional(),
  method: z.string().optional(),
  params: z.unknown().optional(),
});

export const triggerSchema = z.looseObject({
  channel: z.string().startsWith("user.mmp_trigger."),
  data: z.looseObject({
    index_name: z.string(),
    mmp_group: z.string().nullish(),
    frozen_until: z.number(),
    // Block RFQ's own MMP (venues.md 2026-11); index_name may then be "all".
    block_rfq: z.boolean().optional(),
  }),
});

/** A trigger note as the desk uses it, or null when it is not one or concerns no watched row.
 * A Block RFQ trigger is returned whatever its index: it is not the quoting MMP a row shows, but
 * the desk says that it fired. */
export function triggerOf(
  params: unknown,
  watched: ReadonlySet<string>,
  offsetMs: number,
  scopeOf: (index: string, group: string | null | undefined) => string,
): { scope: string; frozenUntil: number | null; blockRfq: boolean } | null {
  const note = triggerSchema.safeParse(params);
  if (!note.success) return null;
  const { index_name, mmp_group, frozen_until, block_rfq = false } = note.data.data;
  const scope = block_rfq ? index_name : scopeOf(index_name, mmp_group);
  // The channel is per index; groups the desk does not watch have no row to update.
  if (!block_rfq && !watched.has(scope)) return null;
  const frozenUntil = frozen_until === 0 ? null : frozen_until - offsetMs;
  return { scope, frozenUntil, blockRfq: block_rfq };
}

export const heartbeatSchema = z.looseObject({ type: z.string() });

export const authResultSchema = z.looseObject({
  access_token: z.string(),
  refresh_token: z.string().optional(),
  /** Seconds. */
  expires_in: z.number(),
});
export type AuthResult = z.infer<typeof authResultSchema>;

export const subscribedSchema = z.array(z.string());

export const mmpChannel = (index: string) => `user.mmp_trigger.${index}`;

/** `${baseUrl with http→ws}/ws/api/v2`, keeping any path prefix of the base URL. */
export function deribitWsUrl(baseUrl: string): string {
  const { origin, prefix } = deribitBase(baseUrl);
  return `${origin.replace(/^http/, "ws")}${prefix}/ws/api/v2`;
}

export function rawText(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString("utf8");
  if (Array.isArray(raw)) return Buffer.concat(raw).toString("utf8");
  return Buffer.from(raw).toString("utf8");
}

/** public/auth params for grant client_signature: the secret itself never travels. */
export function signatureGrant(ctx: AdapterContext): Record<string, string | number> {
  const timestamp = venueNow(clockKey(ctx));
  const nonce = newNonce();
  const data = "";
  const signature = signDeribit(
    deribitSecret(ctx.credentials),
    deribitWsPayload(timestamp, nonce, data),
  );
  return {
    grant_type: "client_signature",
    client_id: ctx.credentials.apiKey,
    timestamp,
    nonce,
    data,
    signature,
  };
}
