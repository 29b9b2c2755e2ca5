import "server-only";
import { z } from "zod";
import { clockOffset } from "@/lib/venues/clock";
import { isVenueError, VenueError } from "@/lib/venues/errors";
import type { AdapterContext, ScopeRead, ScopeState, VenueAdapter } from "@/lib/venues/types";
import { normaliseOkx, okxMmpSchema } from "@/lib/venues/okx/normalise";
import { readOkxLimits, setOkxLimits } from "@/lib/venues/okx/limits";
import { clockKey, okxServerTime, okxSigned, type SignedResult } from "@/lib/venues/okx/request";
import { stateWithout } from "@/lib/venues/scope-state";

// OKX v5 MMP (options, Portfolio Margin accounts with the MMP privilege). Scopes are instrument
// families ("BTC-USD"). The mmp-config read is limited to 5 requests per 2 s per account
// (docs/venues.md#okx-rate-limits), so one unfiltered read serves every scope of the account.

const SCOPE_PATTERN = /^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$/;
const familyOf = z.looseObject({ instFamily: z.string() });
const resetData = z.array(z.looseObject({ result: z.boolean() })).min(1);

/** The scope as an instFamily; anything else is refused before a signed call is built. */
function checkedFamily(scope: string): string {
  if (!SCOPE_PATTERN.test(scope)) {
    throw new VenueError("bad_scope", `OKX: "${scope.slice(0, 40)}" is not an instFamily`);
  }
  return scope;
}

/** An account without market-maker permission (51035) has no MMP families: null; else rethrow. */
function noMmp(err: unknown): null {
  if (isVenueError(err) && err.kind === "not_enabled") return null;
  throw err;
}

/** Every configured family of the account, in one request (no instFamily filter). */
function readConfig(ctx: AdapterContext): Promise<SignedResult> {
  return okxSigned(ctx, { method: "GET", path: "/api/v5/account/mmp-config", mutation: false });
}

function stateOf(ctx: AdapterContext, read: SignedResult, scope: string): ScopeState {
  const raw = read.data.find((e) => {
    const f = familyOf.safeParse(e);
    return f.success && f.data.instFamily === scope;
  });
  if (raw === undefined) {
    // No entry: MMP is not configured for this family on this account.
    return stateWithout("disabled", "not_configured", `OKX: no MMP configuration for ${scope}`);
  }
  const entry = okxMmpSchema.safeParse(raw);
  if (!entry.success) {
    // One unreadable entry must not blank the account's other rows.
    return stateWithout("unknown", "bad_response", `OKX: unexpected mmp-config entry for ${scope}`);
  }
  return normaliseOkx(entry.data, {
    offsetMs: clockOffset(clockKey(ctx)),
    receivedAt: read.receivedAt,
  });
}

export const okxAdapter: VenueAdapter = {
  venue: "okx",
  label: "OKX",
  keyTypes: ["hmac"],
  needsPassphrase: true,
  // cancel-all-after answers its state only to the POST that sets it (docs/venues.md).
  deadManUnreadable: "no read endpoint (only setting it answers its state)",
  // mmp-config and mmp-reset: 5 requests per 2 s per user, counted over any 2 s: a bucket may
  // spend its burst and then its rate for 2 s, so burst + 2 × rate must stay at 5 (2.5/s with a
  // burst of 5 let 10 through in 2 s, and the venue refused the desk's own reads).
  rateLimit: { perSecond: 1.5, burst: 2 },
  // The venue counts per endpoint: mmp-reset has its own 5 per 2 s, apart from mmp-config reads,
  // so resets get their own budget and never wait behind polls (the same 1.5/s, burst 2).
  mutationLimit: { perSecond: 1.5, burst: 2 },
  readCost: () => 1,
  scopePattern: SCOPE_PATTERN,

  async listScopes(ctx) {
    const read = await readConfig(ctx).catch(noMmp);
    if (read === null) return [];
    const { data } = read;
    const families = data.flatMap((e) => {
      const f = familyOf.safeParse(e);
      return f.success ? [f.data.instFamily] : [];
    });
    return [...new Set(families)].sort();
  },

  async readScopes(ctx, scopes): Promise<ScopeRead[]> {
    if (scopes.length === 0) return [];
    try {
      const read = await readConfig(ctx);
      return scopes.map((scope) => ({ scope, state: stateOf(ctx, read, scope) }));
    } catch (err) {
      if (!isVenueError(err) || err.kind !== "not_enabled") throw err;
      return scopes.map((scope) => ({
        scope,
        state: stateWithout("disabled", "not_enabled", err.message),
      }));
    }
  },

  async reset(ctx, scope) {
    checkedFamily(scope);
    // The body is serialised once and those exact bytes are both signed and sent.
    const { data } = await okxSigned(ctx, {
      method: "POST",
      path: "/api/v5/account/mmp-reset",
      body: JSON.stringify({ instType: "OPTION", instFamily: scope }),
      mutation: true,
    });
    const parsed = resetData.safeParse(data);
    const answer = parsed.success ? parsed.data[0] : undefined;
    // code "0" with an answer we cannot read: the reset may or may not have happened.
    if (!answer) {
      throw new VenueError("unknown_outcome", "OKX: mmp-reset accepted with an unreadable answer");
    }
    if (!answer.result) {
      throw new VenueError("rejected", "OKX: mmp-reset answered result false", {
        venueCode: "0",
      });
    }
    return { venueAnswer: JSON.stringify({ code: "0", data }).slice(0, 500) };
  },

  serverTime: okxServerTime,

  // Both async, so a bad scope is a rejected promise like every other failure.
  async readLimits(ctx, scope) {
    return readOkxLimits(ctx, checkedFamily(scope));
  },

  async setLimits(ctx, scope, limits) {
    return setOkxLimits(ctx, checkedFamily(scope), limits);
  },
};
