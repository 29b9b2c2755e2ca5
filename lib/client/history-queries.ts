// Client-safe queries for the trigger history (GET /api/mmp/history). Keys live under
// `mmpKeys.history()`, which the desk cache (desk-cache.ts) invalidates whenever a row freezes or
// unfreezes, so an open chart or history panel refreshes itself without polling.
import { queryOptions } from "@tanstack/react-query";
import type { TriggerHistory } from "@/lib/model/types";
import { RequestError, fetchJson, mmpKeys } from "@/lib/client/queries";

const HISTORY_TIMEOUT_MS = 8_000;
// Enough for the row's 24 h timeline on a busy day; the table under it scrolls.
const ROW_HISTORY_LIMIT = 200;
// The 24 hourly buckets end "now": refetch now and then so the oldest hour rolls off even on a
// quiet day with no transitions to trigger an invalidation.
const DESK_HISTORY_REFRESH_MS = 5 * 60_000;

function isTriggerHistory(body: unknown): body is TriggerHistory {
  return (
    typeof body === "object" &&
    body !== null &&
    "events" in body &&
    Array.isArray(body.events) &&
    (!("buckets" in body) || Array.isArray(body.buckets))
  );
}

async function fetchHistory(url: string, signal: AbortSignal): Promise<TriggerHistory> {
  const body = await fetchJson<unknown>(url, { signal, timeoutMs: HISTORY_TIMEOUT_MS });
  if (!isTriggerHistory(body)) {
    throw new RequestError(200, "bad_response", "unexpected answer from the server");
  }
  return { events: body.events, buckets: body.buckets ?? [] };
}

export function rowHistoryQueryOptions(rowId: string) {
  const params = new URLSearchParams({ row: rowId, limit: String(ROW_HISTORY_LIMIT) });
  return queryOptions({
    queryKey: mmpKeys.rowHistory(rowId),
    queryFn: ({ signal }) => fetchHistory(`/api/mmp/history?${params}`, signal),
  });
}

export function deskHistoryQueryOptions() {
  return queryOptions({
    queryKey: mmpKeys.deskHistory(),
    queryFn: ({ signal }) => fetchHistory("/api/mmp/history", signal),
    refetchInterval: DESK_HISTORY_REFRESH_MS,
  });
}
