import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { Blocks } from "@/lib/venues/guard/blocks";
import type { RateBudget, RateLimit } from "@/lib/venues/guard/budget";

// Which account (and how urgent) the HTTP calls under way belong to, and the guard's budget and
// blocks they answer to. Set by the guard around an adapter call and read by lib/venues/http.ts,
// so adapters need not thread it through.
export interface CallContext {
  accountKey: string;
  venueKey: string;
  limit: RateLimit;
  /** The budget every account on the venue host shares (a venue counting per IP); null: none. */
  hostLimit: RateLimit | null;
  /** Mutations' own budget (the venue limits them apart from reads); null: they share `limit`. */
  mutationLimit: RateLimit | null;
  priority: "read" | "reset";
  /** Longest a read may wait for a token before giving up. */
  maxWaitMs: number;
  /** The rate budget to draw from and the blocks to record a venue's stop in (the guard's own). */
  budget: RateBudget;
  blocks: Blocks;
}

export const callContext = new AsyncLocalStorage<CallContext>();
