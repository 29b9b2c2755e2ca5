import "server-only";
import { VenueError } from "@/lib/venues/errors";

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
}

export interface VenueResponse {
  status: number;
  headers: Headers;
  text: string;
  latencyMs: number;
}

const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

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

export async function sendVenueRequest(req: VenueRequest): Promise<VenueResponse> {
  const started = performance.now();
  let res: Response;
  let text: string;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(req.timeoutMs),
      redirect: "error",
      cache: "no-store",
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
  }
  const latencyMs = Math.round(performance.now() - started);
  const retryAfterMs = parseRetryAfterMs(res.headers.get("retry-after"));
  if (res.status === 429) {
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
  return { status: res.status, headers: res.headers, text, latencyMs };
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
