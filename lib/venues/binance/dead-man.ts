import "server-only";
import { z } from "zod";
import { VenueError } from "@/lib/venues/errors";
import type { AdapterContext, DeadManRead, DeadManSwitch } from "@/lib/venues/types";
import { binanceSigned } from "@/lib/venues/binance/request";

// Binance's countdown cancel-all is armed per underlying. GET countdownCancelAll (weight 1) lists
// the armed ones. Its heartbeat (POST countdownCancelAllHeartBeat) refreshes the countdown for
// any caller, so the desk never sends it: it would keep a dead quoting engine's switch from
// firing (docs/venues.md#dead-man-switches).

const armedList = z.array(z.looseObject({ underlying: z.string(), countdownTime: z.number() }));

export async function readBinanceDeadMan(
  ctx: AdapterContext,
  scopes: string[],
): Promise<DeadManRead> {
  const { body } = await binanceSigned(ctx, {
    method: "GET",
    path: "/eapi/v1/countdownCancelAll",
    params: {},
    mutation: false,
  });
  const list = armedList.safeParse(body);
  if (!list.success)
    throw new VenueError("bad_response", "Binance: unexpected countdownCancelAll answer");
  const armed = new Map(
    list.data.filter((c) => c.countdownTime > 0).map((c) => [c.underlying, c.countdownTime]),
  );
  const entries = scopes.map((scope): [string, DeadManSwitch] => {
    const ms = armed.get(scope);
    return [
      scope,
      ms === undefined ? { state: "off", windowMs: null } : { state: "armed", windowMs: ms },
    ];
  });
  return { account: null, scopes: Object.fromEntries(entries), note: null };
}
