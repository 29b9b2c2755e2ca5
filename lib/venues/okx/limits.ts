import "server-only";
import { z } from "zod";
import type { MmpLimits } from "@/lib/model/limits";
import { isVenueError, VenueError } from "@/lib/venues/errors";
import { venueDecimal } from "@/lib/venues/json-decimal";
import { okxSigned } from "@/lib/venues/okx/request";
import type { AdapterContext, SetLimitsReceipt } from "@/lib/venues/types";

// OKX MMP limits (docs/venues.md#okx-limit-changes): one family's mmp-config entry, and the set
// call POST /api/v5/account/mmp-config. Durations are strings of ms on the wire, qtyLimit a
// string of contracts; OKX has no delta, vega or max-quote limit. timeInterval "0" switches MMP
// off, and is reported as such (windowMs 0), not as "no configuration".

const PATH = "/api/v5/account/mmp-config";
const wireValue = z.union([z.string(), z.number()]);
const entrySchema = z.looseObject({
  instFamily: z.string(),
  timeInterval: wireValue,
  frozenInterval: wireValue,
  qtyLimit: wireValue,
});
const familySchema = z.looseObject({ instFamily: z.string() });
const echoSchema = z.array(familySchema).min(1);

const badAnswer = (family: string) =>
  new VenueError("bad_response", `OKX: unexpected mmp-config entry for ${family}`);

const isMs = (v: number | null): v is number => v !== null && Number.isSafeInteger(v) && v >= 0;

/** Whole non-negative ms, as OKX writes them ("5000"); anything else is not OKX's contract. */
function msOf(value: string | number): number | null {
  const text = String(value);
  return /^\d{1,15}$/.test(text) ? Number(text) : null;
}

export async function readOkxLimits(
  ctx: AdapterContext,
  family: string,
): Promise<MmpLimits | null> {
  let data: unknown[];
  try {
    ({ data } = await okxSigned(ctx, {
      method: "GET",
      path: PATH,
      query: `instFamily=${encodeURIComponent(family)}`,
      mutation: false,
    }));
  } catch (err) {
    // 51035: no market-maker permission, so the family has no MMP configuration.
    if (isVenueError(err) && err.kind === "not_enabled") return null;
    throw err;
  }
  const raw = data.find((e) => familySchema.safeParse(e).data?.instFamily === family);
  if (raw === undefined) return null;
  const entry = entrySchema.safeParse(raw);
  if (!entry.success) throw badAnswer(family);
  const windowMs = msOf(entry.data.timeInterval);
  const frozenPeriodMs = msOf(entry.data.frozenInterval);
  const qtyLimit = venueDecimal(entry.data.qtyLimit);
  if (windowMs === null || frozenPeriodMs === null || qtyLimit === null) throw badAnswer(family);
  return {
    windowMs,
    frozenPeriodMs,
    qtyLimit,
    deltaLimit: null,
    vegaLimit: null,
    maxQuoteQty: null,
  };
}

/** Sent once (mutation: a timeout, 5xx or unreadable answer is an unknown outcome). */
export async function setOkxLimits(
  ctx: AdapterContext,
  family: string,
  limits: MmpLimits,
): Promise<SetLimitsReceipt> {
  const { windowMs, frozenPeriodMs, qtyLimit } = limits;
  // OKX needs all three in every set; the desk's schema guarantees them, this keeps a caller
  // that skipped it from sending a half configuration.
  if (!isMs(windowMs) || !isMs(frozenPeriodMs) || qtyLimit === null) {
    throw new VenueError(
      "rejected",
      "OKX: timeInterval, frozenInterval and qtyLimit are all required; nothing was sent",
    );
  }
  // Serialised once: these exact bytes are both signed and sent.
  const body = JSON.stringify({
    instFamily: family,
    timeInterval: String(windowMs),
    frozenInterval: String(frozenPeriodMs),
    qtyLimit,
  });
  const { data } = await okxSigned(ctx, { method: "POST", path: PATH, body, mutation: true });
  // code "0" with an answer we cannot read: the change may or may not have been applied.
  if (!echoSchema.safeParse(data).success) {
    throw new VenueError("unknown_outcome", "OKX: mmp-config accepted with an unreadable answer");
  }
  return { venueAnswer: JSON.stringify({ code: "0", data }).slice(0, 500) };
}
