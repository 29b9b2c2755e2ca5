import "server-only";
import { canonicalDecimal, type MmpLimits } from "@/lib/model/limits";
import { VenueError, isVenueError } from "@/lib/venues/errors";
import type { AdapterContext, SetLimitsReceipt } from "@/lib/venues/types";
import { binanceMmpSchema } from "@/lib/venues/binance/normalise";
import { binanceSigned } from "@/lib/venues/binance/request";

// MMP limit changes on Binance Options (issue 15; docs/venues.md#binance-limit-changes).
// GET /eapi/v1/mmp reads them, POST /eapi/v1/mmpSet sets them: all five fields in every call
// (venues.md 2026-11), window and frozen time in ms as the desk keeps them. Binance has no vega
// limit and no max quote quantity, so those are always null here.

const DECIMAL = /^\d+(\.\d+)?$/;

/** A limit as the desk keeps it. Numbers are accepted by the schema and kept as strings; an
 * exponent ("1e-7") has no canonical decimal spelling, so it is an answer we cannot use. */
function decimalOf(value: string, field: string): string {
  if (!DECIMAL.test(value))
    throw new VenueError("bad_response", `Binance: ${field} "${value}" is not a plain decimal`);
  return canonicalDecimal(value);
}

export async function readBinanceLimits(
  ctx: AdapterContext,
  scope: string,
): Promise<MmpLimits | null> {
  let body: unknown;
  try {
    ({ body } = await binanceSigned(ctx, {
      method: "GET",
      path: "/eapi/v1/mmp",
      params: { underlying: scope },
      mutation: false,
    }));
  } catch (err) {
    // -6005 / -6006: no MMP rule for this underlying. An unknown underlying stays an error.
    if (isVenueError(err) && err.kind === "not_enabled") return null;
    throw err;
  }
  const parsed = binanceMmpSchema.safeParse(body);
  if (!parsed.success) throw new VenueError("bad_response", "Binance: unexpected MMP answer");
  const mmp = parsed.data;
  // A window of 0 is how the venue shows a rule that is not configured (the row shows DISABLED).
  if (mmp.windowTimeInMilliseconds <= 0) return null;
  return {
    windowMs: mmp.windowTimeInMilliseconds,
    frozenPeriodMs: mmp.frozenTimeInMilliseconds,
    qtyLimit: decimalOf(mmp.qtyLimit, "qtyLimit"),
    deltaLimit: decimalOf(mmp.deltaLimit, "deltaLimit"),
    vegaLimit: null,
    maxQuoteQty: null,
  };
}

/** The mmpSet parameters, or why they cannot be sent. Callers validate against VENUE_LIMITS
 * first; this only refuses what would make the venue see something other than the desk's change
 * (a missing field, a field Binance does not have), before anything is sent. */
function mmpSetParams(scope: string, limits: MmpLimits): Record<string, string> {
  const refuse = (why: string) => new VenueError("rejected", `Binance mmpSet not sent: ${why}`);
  const { windowMs, frozenPeriodMs, qtyLimit, deltaLimit } = limits;
  if (windowMs === null || frozenPeriodMs === null || qtyLimit === null || deltaLimit === null)
    throw refuse("window, frozen period, qty limit and delta limit are all required");
  if (!Number.isSafeInteger(windowMs) || !Number.isSafeInteger(frozenPeriodMs))
    throw refuse("window and frozen period must be whole milliseconds");
  if (limits.vegaLimit !== null || limits.maxQuoteQty !== null)
    throw refuse("Binance has no vega limit and no max quote quantity");
  return {
    underlying: scope,
    windowTimeInMilliseconds: String(windowMs),
    frozenTimeInMilliseconds: String(frozenPeriodMs),
    qtyLimit: canonicalDecimal(qtyLimit),
    deltaLimit: canonicalDecimal(deltaLimit),
  };
}

export async function setBinanceLimits(
  ctx: AdapterContext,
  scope: string,
  limits: MmpLimits,
): Promise<SetLimitsReceipt> {
  // A mutation like mmpReset: sent once, a timeout / 5xx / unreadable body is an unknown outcome
  // (lib/venues/http.ts); only a -1021, which the venue did not act on, is re-signed once.
  const { body } = await binanceSigned(ctx, {
    method: "POST",
    path: "/eapi/v1/mmpSet",
    params: mmpSetParams(scope, limits),
    mutation: true,
  });
  // The venue answers the MMP object as it now is. A 200 without it does not tell us what the
  // venue did: the caller must re-read (readLimits) to settle it.
  const answer = binanceMmpSchema.safeParse(body);
  if (!answer.success || answer.data.underlying !== scope)
    throw new VenueError(
      "unknown_outcome",
      "Binance answered mmpSet without the MMP object; re-read to verify",
    );
  return { venueAnswer: JSON.stringify(body).slice(0, 500) };
}
