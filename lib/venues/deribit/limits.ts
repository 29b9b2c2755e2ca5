import "server-only";
import { z } from "zod";
import type { MmpLimits } from "@/lib/model/limits";
import { isVenueError, VenueError } from "@/lib/venues/errors";
import { exactJsonNumber, venueDecimal } from "@/lib/venues/json-decimal";
import type { AdapterContext, SetLimitsReceipt } from "@/lib/venues/types";
import { sameGroup } from "@/lib/venues/deribit/normalise";
import { deribitPrivate } from "@/lib/venues/deribit/request";
import { parseDeribitScope } from "@/lib/venues/deribit/scope";

// Deribit MMP limits (docs/venues.md#deribit-limit-changes): one (index, group) entry of
// get_mmp_config, and set_mmp_config. interval and frozen_time are whole SECONDS on the wire;
// limits and max_quote_quantity are JSON numbers, turned into exact decimal strings on the way in
// and sent as the numbers that carry exactly the desk's decimals on the way out.

const SECOND = 1000;
const size = z.union([z.number(), z.string()]).nullish();
const entrySchema = z.looseObject({
  index_name: z.string(),
  mmp_group: z.string().nullish(),
  interval: z.number().int().min(0),
  frozen_time: z.number().int().min(0),
  quantity_limit: size,
  delta_limit: size,
  vega_limit: size,
  max_quote_quantity: size,
});
// set_mmp_config's schema says a list, its example a bare object: both are an answer.
const setAnswer = z.union([z.looseObject({}), z.array(z.looseObject({})).min(1)]);

const scopeParams = (index: string, group: string | null) => ({
  index_name: index,
  ...(group ? { mmp_group: group } : {}),
});

export async function readDeribitLimits(
  ctx: AdapterContext,
  scope: string,
): Promise<MmpLimits | null> {
  const { index, group } = parseDeribitScope(scope);
  let result: unknown;
  try {
    // Fresh, never the adapter's 30 s config cache: this is a change's before and after check.
    ({ result } = await deribitPrivate(ctx, {
      method: "private/get_mmp_config",
      params: scopeParams(index, group),
      mutation: false,
    }));
  } catch (err) {
    // 13040: not an MMP user, so the scope has no configuration.
    if (isVenueError(err) && err.kind === "not_enabled") return null;
    throw err;
  }
  const entries = z.array(entrySchema).safeParse(result);
  if (!entries.success)
    throw new VenueError("bad_response", "Deribit: unexpected get_mmp_config answer");
  // Filtered here too: an index without a group must not pick up one of its groups' entries.
  const entry = entries.data.find((e) => sameGroup(e, { index_name: index, mmp_group: group }));
  if (!entry) return null;
  const sizeOf = (value: string | number | null | undefined): string | null => {
    if (value === null || value === undefined) return null;
    const decimal = venueDecimal(value);
    if (decimal === null)
      throw new VenueError("bad_response", `Deribit: unreadable MMP limit for ${scope}`);
    return decimal;
  };
  return {
    windowMs: entry.interval * SECOND,
    frozenPeriodMs: entry.frozen_time * SECOND,
    qtyLimit: sizeOf(entry.quantity_limit),
    deltaLimit: sizeOf(entry.delta_limit),
    vegaLimit: sizeOf(entry.vega_limit),
    maxQuoteQty: sizeOf(entry.max_quote_quantity),
  };
}

/** Anything the venue cannot take exactly is refused before a request is built: a rounded value
 * would be a change nobody approved. */
const notSent = (what: string) => new VenueError("rejected", `Deribit: ${what}; nothing was sent`);

function seconds(name: string, ms: number | null): number {
  if (ms === null || !Number.isSafeInteger(ms) || ms < 0 || ms % SECOND !== 0)
    throw notSent(`${name} must be whole seconds`);
  return ms / SECOND;
}

function sizeParam(name: string, decimal: string | null): Record<string, number> {
  if (decimal === null) return {};
  const n = exactJsonNumber(decimal);
  if (n === null) throw notSent(`${name} ${decimal.slice(0, 40)} is not an exact number`);
  return { [name]: n };
}

/** Sent once (mutation). The venue resets MMP on a set (venues.md 2026-11): a frozen scope
 * unfreezes, as after reset_mmp. */
export async function setDeribitLimits(
  ctx: AdapterContext,
  scope: string,
  limits: MmpLimits,
): Promise<SetLimitsReceipt> {
  const { index, group } = parseDeribitScope(scope);
  // max_quote_quantity has been required since 2026-11 (venues.md).
  if (limits.maxQuoteQty === null) throw notSent("max_quote_quantity is required");
  const params = {
    ...scopeParams(index, group),
    interval: seconds("interval", limits.windowMs),
    frozen_time: seconds("frozen_time", limits.frozenPeriodMs),
    ...sizeParam("quantity_limit", limits.qtyLimit),
    ...sizeParam("delta_limit", limits.deltaLimit),
    ...sizeParam("vega_limit", limits.vegaLimit),
    ...sizeParam("max_quote_quantity", limits.maxQuoteQty),
  };
  const { result } = await deribitPrivate(ctx, {
    method: "private/set_mmp_config",
    params,
    mutation: true,
  });
  // A result that is not a configuration leaves us unable to say what the venue did.
  if (!setAnswer.safeParse(result).success) {
    throw new VenueError(
      "unknown_outcome",
      `Deribit: unexpected set_mmp_config answer ${JSON.stringify(result).slice(0, 200)}`,
    );
  }
  return { venueAnswer: JSON.stringify({ result }).slice(0, 500) };
}
