import "server-only";
import { z } from "zod";
import { VenueError } from "@/lib/venues/errors";
import type { AdapterContext, DeadManRead } from "@/lib/venues/types";
import { bybitSigned } from "@/lib/venues/bybit/request";

// Bybit's Disconnect Cancel All (DCP) is set per product; query-dcp-info lists it only for
// accounts where it was ever configured. It fires when every private connection subscribed to
// dcp.option is gone, so the desk never subscribes to any dcp topic: its own connection would
// keep a dead quoting engine's switch from firing (docs/venues.md#dead-man-switches).

// The envelope's `result` (bybitSigned unwraps the envelope).
const answer = z.looseObject({
  dcpInfos: z.array(
    z.looseObject({ product: z.string(), dcpStatus: z.string(), timeWindow: z.string() }),
  ),
});

/** The product the desk watches: options MMP. */
const PRODUCT = "OPTIONS";

export async function readBybitDeadMan(ctx: AdapterContext): Promise<DeadManRead> {
  const { result } = await bybitSigned(ctx, {
    method: "GET",
    path: "/v5/account/query-dcp-info",
    payload: "",
    mutation: false,
  });
  const parsed = answer.safeParse(result);
  if (!parsed.success)
    throw new VenueError("bad_response", "Bybit: unexpected query-dcp-info answer");
  const dcp = parsed.data.dcpInfos.find((d) => d.product.toUpperCase() === PRODUCT);
  if (!dcp)
    return { account: { state: "off", windowMs: null }, scopes: null, note: "DCP not configured" };
  const seconds = Number(dcp.timeWindow);
  return {
    account:
      dcp.dcpStatus.toUpperCase() === "ON"
        ? { state: "armed", windowMs: Number.isFinite(seconds) ? seconds * 1000 : null }
        : { state: "off", windowMs: null },
    scopes: null,
    note: "DCP, options",
  };
}
