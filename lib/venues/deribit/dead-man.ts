import "server-only";
import { z } from "zod";
import { VenueError } from "@/lib/venues/errors";
import type { AdapterContext, DeadManRead } from "@/lib/venues/types";
import { deribitPrivate } from "@/lib/venues/deribit/request";

// Deribit's cancel-on-disconnect: over HTTP only scope=account can be read, which is the default
// for *new* connections, not whether the quoting engine's open connections have it. The desk
// never calls enable_/disable_cancel_on_disconnect (docs/venues.md#dead-man-switches).

const answer = z.looseObject({ scope: z.string(), enabled: z.boolean() });

export async function readDeribitDeadMan(ctx: AdapterContext): Promise<DeadManRead> {
  const { result } = await deribitPrivate(ctx, {
    method: "private/get_cancel_on_disconnect",
    params: { scope: "account" },
    mutation: false,
  });
  const parsed = answer.safeParse(result);
  if (!parsed.success)
    throw new VenueError("bad_response", "Deribit: unexpected get_cancel_on_disconnect answer");
  return {
    account: { state: parsed.data.enabled ? "armed" : "off", windowMs: null },
    scopes: null,
    note: "default for new connections",
  };
}
