import "server-only";
import { Agent, fetch as undiciFetch } from "undici";
import { env } from "@/lib/platform/env";
import { VenueError } from "@/lib/venues/errors";
import { callContext, type CallContext } from "@/lib/venues/guard/context";
import { addSpan, timed } from "@/lib/platform/server-timing";

// The one place where the app talks HTTP to a venue. It knows nothing about venues' envelopes; it
// decides only what transport failures mean. For a state-changing call (a reset), anything after
// the request may have reached the venue — a timeout, a dropped connection, a 5xx — is an
// UNKNOWN OUTCOME and must never be retried blindly; a refused connection means nothing was sent.

export interface VenueRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** true for calls that change venue state (resets). */
  mutation: boolean;
  /** The venue's usage-header rule, where it has one (see UsageRule). */
  usage?: UsageRule;
  /** The venue's error body says more than its 429 (a JSON-RPC error code naming which limit,
   * e.g. credits used up): the response goes back to the adapter to map, not a generic rate
   * limit. */
  refusalInBody?: boolean;
}

export interface VenueResponse {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

/** A venue's own reading of its usage headers: when a response says the request window is used
 * up, why and until when (epoch ms) to send nothing more on this key; otherwise null. Lives in
 * the venue's folder; this file only applies it. */
export type UsageRule = (
  headers: VenueResponse["headers"],
  now: number,
) => { reason: string; until: number; scope?: "host" } | null;

const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  // The TCP/TLS connection never came up within the connect timeout: nothing reached the venue.
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Connections that cannot be opened quickly fail fast, well inside the total timeout; keep-alive
 * keeps signed requests off the TCP handshake. Made on first use: importing this module never
 * reads the environment. */
let agent: Agent | null = null;
function venueAgent(): Agent {
  agent ??= new Agent({
    connect: { timeout: env().MMP_CONNECT_TIMEOUT_MS },
    keepAliveTimeout: 30_000,
  });
  return agent;
}

function causeCode(err: unknown): string | undefined {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" ? cause.code : undefined;
}

export function parseRetryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Takes a token from the account's rate budget (lib/venues/guard) when called under a guard. */
async function spendBudget(mutation: boolean): Promise<void> {
  const c = callContext.getStore();
  if (!c) return;
  await timed("token", () => takeTokens(c, mutation));
}

async function takeTokens(c: CallContext, mutation: boolean): Promise<void> {
  // A venue that counts per IP: every account on the host draws on one budget as well, with the
  // same reserve for resets.
  if (c.hostLimit && !(await c.budget.take(c.venueKey, c.hostLimit, c.priority, c.maxWaitMs))) {
    throw new VenueError(
      "rate_limited",
      "our own rate budget for this venue host (shared by its accounts) is exhausted; nothing was sent",
      { retryAfterMs: 1000, ownBudget: true },
    );
  }
  // A venue that limits its mutating endpoints apart from reads: a reset draws on their own
  // budget and never waits behind polls.
  const own = mutation ? c.mutationLimit : null;
  const taken = own
    ? await c.budget.take(`${c.accountKey}:mutations`, own, "reset", c.maxWaitMs)
    : await c.budget.take(c.accountKey, c.limit, c.priority, c.maxWaitMs);
  if (!taken) {
    throw new VenueError(
      "rate_limited",
      "our own rate budget for this account is exhausted; nothing was sent",
      { retryAfterMs: 1000, ownBudget: true },
    );
  }
}

/** A response whose usage headers say the window is used up blocks the key until the venue's
 * reset time (the venue's own rule reads the headers). */
function noteUsage(req: VenueRequest, res: VenueResponse): void {
  const c = callContext.getStore();
  const spent = c ? req.usage?.(res.headers, Date.now()) : null;
  // "host": the venue counts per IP, so every account on that host waits (a per-IP budget).
  if (c && spent)
    c.blocks.set(spent.scope === "host" ? c.venueKey : c.accountKey, {
      kind: "rate_limited",
      reason: spent.reason,
      until: spent.until,
    });
}

export async function sendVenueRequest(req: VenueRequest): Promise<VenueResponse> {
  await spendBudget(req.mutation);
  let res: Awaited<ReturnType<typeof undiciFetch>>;
  let text: string;
  const sentAt = performance.now();
  try {
    res = await undiciFetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(req.timeoutMs),
      redirect: "error",
      dispatcher: venueAgent(),
    });
    text = await res.text();
  } catch (err) {
    const code = causeCode(err);
    if (code && NOT_SENT_CODES.has(code)) {
      throw new VenueError("unavailable", `venue unreachable (${code}); nothing was sent`);
    }
    const timedOut =
      err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    const what = timedOut
      ? `no answer within ${req.timeoutMs} ms`
      : `connection failed (${code ?? "network error"})`;
    throw new VenueError(req.mutation ? "unknown_outcome" : "unavailable", what);
  } finally {
    addSpan("venue", performance.now() - sentAt);
  }
  const retryAfterMs = parseRetryAfterMs(res.headers.get("retry-after"));
  // Usage headers come with refusals too (a 429 says how much of the window is used).
  const response = { status: res.status, headers: res.headers, text };
  noteUsage(req, response);
  if (res.status === 429 && !req.refusalInBody) {
    throw new VenueError("rate_limited", "venue rate limit reached (HTTP 429)", {
      httpStatus: 429,
      retryAfterMs,
    });
  }
  if (res.status === 418) {
    throw new VenueError("banned", "venue has banned this IP (HTTP 418)", {
      httpStatus: 418,
      retryAfterMs,
    });
  }
  if (res.status >= 500) {
    throw new VenueError(
      req.mutation ? "unknown_outcome" : "unavailable",
      `venue answered HTTP ${res.status}`,
      { httpStatus: res.status, retryAfterMs },
    );
  }
  return response;
}

/** Parses a venue body; a truncated or non-JSON body after a mutation is an unknown outcome. */
export function parseVenueJson(res: VenueResponse, mutation: boolean): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    throw new VenueError(
      mutation ? "unknown_outcome" : "bad_response",
      `venue sent an unreadable answer (HTTP ${res.status})`,
      { httpStatus: res.status },
    );
  }
}
