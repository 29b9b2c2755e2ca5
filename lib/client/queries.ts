// Client-safe data access for the desk: query keys, query options and the reset call. Reading
// only: writes to the cached desk go through desk-cache.ts. No server imports here: this module
// ships to the browser.
import { queryOptions } from "@tanstack/react-query";
import type { ApiErrorBody, DeskSnapshot, ResetResult } from "@/lib/model/types";
// Type only: the schema (and zod) stay out of the browser bundle; the server validates.
import type { ResetRequest } from "@/lib/model/reset-request";

/** Hierarchical keys; desk-cache.ts is the only module that invalidates them. */
export const mmpKeys = {
  all: ["mmp"] as const,
  snapshot: () => [...mmpKeys.all, "snapshot"] as const,
  /** Every trigger-history query: invalidated when a row freezes or unfreezes. */
  history: () => [...mmpKeys.all, "history"] as const,
  /** Row ids always contain "/" (`account/scope`), so they never collide with "desk". */
  deskHistory: () => [...mmpKeys.history(), "desk"] as const,
  rowHistory: (rowId: string) => [...mmpKeys.history(), rowId] as const,
};

export const SNAPSHOT_POLL_MS = 2_000;
// A hung request would otherwise block every later poll (one fetch per key at a time) and leave
// old data on screen with no error at all; the timeout turns it into a visible failure.
const SNAPSHOT_TIMEOUT_MS = 8_000;
// Longer than the server's own venue timeout plus its re-read, so the server decides the outcome.
const RESET_TIMEOUT_MS = 20_000;

/**
 * A failed API call. `status` 0 means no HTTP answer arrived (network failure or timeout), so the
 * caller cannot know whether the server acted on the request.
 */
export class RequestError extends Error {
  override readonly name = "RequestError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly venueCode?: string,
    readonly correlationId?: string,
  ) {
    super(message);
  }
}

function isApiErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error: unknown = body.error;
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof error.code === "string" &&
    "message" in error &&
    typeof error.message === "string"
  );
}

/** fetch + JSON that throws `RequestError` for every failure, including a missing or non-JSON body. */
export async function fetchJson<T>(
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<T> {
  const { timeoutMs, signal: outer, ...rest } = init;
  const controller = new AbortController();
  let timedOut = false;
  const timer = timeoutMs
    ? setTimeout(() => ((timedOut = true), controller.abort()), timeoutMs)
    : undefined;
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener("abort", onOuterAbort, { once: true });
  const headers = new Headers(rest.headers);
  if (!headers.has("accept")) headers.set("accept", "application/json");

  // Cancellation by TanStack Query is not a failure to report: rethrow it as it is.
  const failure = (err: unknown): unknown =>
    outer?.aborted
      ? err
      : timedOut
        ? new RequestError(
            0,
            "timeout",
            `no answer from the server within ${(timeoutMs ?? 0) / 1000} s`,
          )
        : new RequestError(0, "network", "the server could not be reached");

  try {
    let res: Response;
    let body: unknown;
    try {
      res = await fetch(url, { ...rest, headers, signal: controller.signal });
    } catch (err) {
      throw failure(err);
    }
    try {
      body = await res.json();
    } catch (err) {
      if (outer?.aborted || timedOut) throw failure(err);
      body = undefined;
    }
    if (!res.ok) {
      if (isApiErrorBody(body)) {
        const { code, message, venueCode, correlationId } = body.error;
        throw new RequestError(res.status, code, message, venueCode, correlationId);
      }
      throw new RequestError(res.status, "bad_response", `HTTP ${res.status} from the server`);
    }
    if (body === undefined) {
      throw new RequestError(
        res.status,
        "bad_response",
        `HTTP ${res.status} from the server, not JSON`,
      );
    }
    return body as T;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onOuterAbort);
  }
}

// A 200 of the wrong shape (a proxy page, a half-deployed API) must become a visible stale
// warning, not a crash inside the table or a desk silently showing nothing.
function isDeskSnapshot(body: unknown): body is DeskSnapshot {
  return (
    typeof body === "object" &&
    body !== null &&
    "serverTime" in body &&
    typeof body.serverTime === "number" &&
    "rows" in body &&
    Array.isArray(body.rows)
  );
}

async function fetchSnapshot(signal: AbortSignal): Promise<DeskSnapshot> {
  const body = await fetchJson<unknown>("/api/mmp", { signal, timeoutMs: SNAPSHOT_TIMEOUT_MS });
  if (!isDeskSnapshot(body)) {
    throw new RequestError(200, "bad_response", "unexpected answer from the server");
  }
  return body;
}

export function snapshotQueryOptions() {
  return queryOptions({
    queryKey: mmpKeys.snapshot(),
    queryFn: ({ signal }) => fetchSnapshot(signal),
    // The fallback while the push stream is down; lib/client/use-live-desk.ts turns it off
    // while the stream is live and sets it to the server's own poll interval otherwise. The desk
    // shows a stale warning whenever a poll fails.
    refetchInterval: SNAPSHOT_POLL_MS,
    // The next poll is the retry: backing off would hide a failure behind old data for seconds.
    retry: false,
  });
}

/** 200 → outcome "ok", 202 → outcome "unknown"; everything else throws `RequestError`. */
export function postReset(request: ResetRequest): Promise<ResetResult> {
  return fetchJson<ResetResult>("/api/mmp/reset", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
    timeoutMs: RESET_TIMEOUT_MS,
  });
}

/** One key per click. Falls back to getRandomValues where randomUUID is missing (plain-http LAN). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
