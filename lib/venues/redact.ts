import "server-only";
import { VenueError, isVenueError } from "@/lib/venues/errors";
import type { AdapterContext, PushHandlers, ScopeRead, VenueAdapter } from "@/lib/venues/types";

// Venue text (an error's message, a per-scope problem, a reset's answer, a push status) ends up
// on the desk row, the live stream, the wall, the audit trail and the log. A venue may quote the
// request back, API key included (one venue's signature error quotes the whole signed string; its
// adapter drops that quote). Whatever a venue says, the account's API key never leaves the venue
// layer: every adapter the app uses is wrapped so that its text is scrubbed of it.

const MARK = "[api key]";
/** Shorter keys (only in hand-written test configs) could match ordinary words. */
const MIN_KEY_LENGTH = 8;

export function redactKey(text: string, apiKey: string): string {
  return apiKey.length >= MIN_KEY_LENGTH ? text.split(apiKey).join(MARK) : text;
}

function scrubError(err: unknown, apiKey: string): unknown {
  if (!isVenueError(err)) return err;
  const message = redactKey(err.message, apiKey);
  const venueMessage = err.details.venueMessage;
  const redactedVenueMessage =
    venueMessage === undefined ? undefined : redactKey(venueMessage, apiKey);
  if (message === err.message && redactedVenueMessage === venueMessage) return err;
  // A new error, not an edited one: the old one's stack trace repeats the unscrubbed message.
  return new VenueError(err.kind, message, { ...err.details, venueMessage: redactedVenueMessage });
}

async function scrubbed<T>(ctx: AdapterContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw scrubError(err, ctx.credentials.apiKey);
  }
}

function scrubReads(reads: ScopeRead[], apiKey: string): ScopeRead[] {
  return reads.map((r) =>
    r.state.problem
      ? {
          ...r,
          state: {
            ...r.state,
            problem: { ...r.state.problem, message: redactKey(r.state.problem.message, apiKey) },
          },
        }
      : r,
  );
}

/** The adapter, with every text it returns or throws scrubbed of the account's API key. */
export function redactingAdapter(adapter: VenueAdapter): VenueAdapter {
  const { subscribe, readDeadMan } = adapter;
  return {
    ...adapter,
    ...(readDeadMan
      ? {
          readDeadMan: (ctx: AdapterContext, scopes: string[]) =>
            scrubbed(ctx, () => readDeadMan.call(adapter, ctx, scopes)),
        }
      : {}),
    listScopes: (ctx) => scrubbed(ctx, () => adapter.listScopes(ctx)),
    readScopes: (ctx, scopes) =>
      scrubbed(ctx, async () =>
        scrubReads(await adapter.readScopes(ctx, scopes), ctx.credentials.apiKey),
      ),
    reset: (ctx, scope) =>
      scrubbed(ctx, async () => {
        const receipt = await adapter.reset(ctx, scope);
        const key = ctx.credentials.apiKey;
        const problem = receipt.stateAfter?.problem;
        return {
          ...receipt,
          venueAnswer: redactKey(receipt.venueAnswer, key),
          ...(receipt.stateAfter && problem
            ? {
                stateAfter: {
                  ...receipt.stateAfter,
                  problem: { ...problem, message: redactKey(problem.message, key) },
                },
              }
            : {}),
        };
      }),
    serverTime: (ctx) => scrubbed(ctx, () => adapter.serverTime(ctx)),
    ...(subscribe
      ? {
          subscribe: (ctx: AdapterContext, scopes: string[], handlers: PushHandlers) =>
            subscribe.call(adapter, ctx, scopes, {
              onTrigger: (trigger) => handlers.onTrigger(trigger),
              onStatus: ({ connected, detail }) =>
                handlers.onStatus({
                  connected,
                  detail: redactKey(detail, ctx.credentials.apiKey),
                }),
            }),
        }
      : {}),
  };
}
