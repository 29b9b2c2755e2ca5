import "server-only";
import { z } from "zod";
import { canonicalDecimal, type MmpLimits } from "@/lib/model/limits";
import { VenueError, isVenueError } from "@/lib/venues/errors";
import type { AdapterContext, SetLimitsReceipt } from "@/lib/venues/types";
import { bybitMmpSchema } from "@/lib/venues/bybit/normalise";
import { bybitSigned } from "@/lib/venues/bybit/request";

// MMP limit changes on Bybit (issue 15; docs/venues.md#bybit-limit-changes). mmp-state reads
// them, mmp-modify sets them: every field a JSON string, window and frozen period in ms as the
// desk keeps them, vegaLimit optional (an API addition of 2026-06-09). Bybit has no max quote
// quantity, so it is always null here.

const stateResult = z.looseObject({ result: z.array(z.unknown()) });
const INTEGER = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

function msOf(value: string, field: string): number {
  const n = Number(value);
  if (!INTEGER.test(value) || !Number.isSafeInteger(n))
    throw new VenueError("bad_response", `Bybit: ${field} "${value}" is not whole milliseconds`);
  return n;
}

function decimalOf(value: string, field: string): string {
  if (!DECIMAL.test(value))
    throw new VenueError("bad_response", `Bybit: ${field} "${value}" is not a plain decimal`);
  return canonicalDecimal(value);
}

export async function readBybitLimits(
  ctx: AdapterContext,
  baseCoin: string,
): Promise<MmpLimits | null> {
  let result: unknown;
  try {
    ({ result } = await bybitSigned(ctx, {
      method: "GET",
      path: "/v5/account/mmp-state",
      payload: new URLSearchParams({ baseCoin }).toString(),
      mutation: false,
    }));
  } catch (err) {
    // 110062 / 110065 / 3500713: MMP is not enabled, so there is nothing to change.
    if (isVenueError(err) && err.kind === "not_enabled") return null;
    throw err;
  }
  const list = stateResult.safeParse(result);
  if (!list.success) throw new VenueError("bad_response", "Bybit: unexpected mmp-state answer");
  const raw = list.data.result.find(
    (e) => typeof e === "object" && e !== null && "baseCoin" in e && e.baseCoin === baseCoin,
  );
  if (raw === undefined) return null;
  // Unlike the desk row (which shows a malformed entry as not configured), a limit change must
  // not start from figures it could not read.
  const entry = bybitMmpSchema.safeParse(raw);
  if (!entry.success) throw new VenueError("bad_response", "Bybit: unexpected mmp-state entry");
  const mmp = entry.data;
  if (!mmp.mmpEnabled) return null;
  return {
    windowMs: msOf(mmp.window, "window"),
    frozenPeriodMs: msOf(mmp.frozenPeriod, "frozenPeriod"),
    qtyLimit: decimalOf(mmp.qtyLimit, "qtyLimit"),
    deltaLimit: decimalOf(mmp.deltaLimit, "deltaLimit"),
    // Absent on accounts that predate the vega limit; an empty string is read the same way.
    vegaLimit: mmp.vegaLimit ? decimalOf(mmp.vegaLimit, "vegaLimit") : null,
    maxQuoteQty: null,
  };
}

/** The mmp-modify body, or why it cannot be sent. Callers validate against VENUE_LIMITS first;
 * this only refuses what would make the venue see something other than the desk's change (a
 * missing field, a field Bybit does not have), before anything is sent. */
function modifyBody(baseCoin: string, limits: MmpLimits): string {
  const refuse = (why: string) => new VenueError("rejected", `Bybit mmp-modify not sent: ${why}`);
  const { windowMs, frozenPeriodMs, qtyLimit, deltaLimit, vegaLimit } = limits;
  if (windowMs === null || frozenPeriodMs === null || qtyLimit === null || deltaLimit === null)
    throw refuse("window, frozen period, qty limit and delta limit are all required");
  if (!Number.isSafeInteger(windowMs) || !Number.isSafeInteger(frozenPeriodMs))
    throw refuse("window and frozen period must be whole milliseconds");
  if (limits.maxQuoteQty !== null) throw refuse("Bybit has no max quote quantity");
  // Every value a string, as the venue documents; vegaLimit left out when the desk has none, and
  // then the venue keeps its own.
  return JSON.stringify({
    baseCoin,
    window: String(windowMs),
    frozenPeriod: String(frozenPeriodMs),
    qtyLimit: canonicalDecimal(qtyLimit),
    deltaLimit: canonicalDecimal(deltaLimit),
    ...(vegaLimit !== null ? { vegaLimit: canonicalDecimal(vegaLimit) } : {}),
  });
}

export async function setBybitLimits(
  ctx: AdapterContext,
  baseCoin: string,
  limits: MmpLimits,
): Promise<SetLimitsReceipt> {
  // A mutation like mmp-reset: sent once, a timeout / 5xx / unreadable envelope is an unknown
  // outcome; only a 10002, which the venue did not act on, is re-signed once. The body is
  // serialised once and those exact bytes are both signed and sent.
  const { result } = await bybitSigned(ctx, {
    method: "POST",
    path: "/v5/account/mmp-modify",
    payload: modifyBody(baseCoin, limits),
    mutation: true,
  });
  // retCode 0 without an echo (venues.md 2026-11): the caller verifies by re-reading mmp-state.
  return { venueAnswer: JSON.stringify({ retCode: 0, result }).slice(0, 500) };
}
