// Client-safe access to the limit-change API (issue 15): the list, "Request change", and an
// approver's decision. Types only from the model, so no schema ships with the Approvals page.
import { queryOptions } from "@tanstack/react-query";
import { RequestError, fetchJson } from "@/lib/client/queries";
import type { LimitChangeView, LimitDecisionInput } from "@/lib/model/limit-change";
import type { MmpLimits } from "@/lib/model/limits";

export const limitKeys = {
  all: ["limits"] as const,
  changes: () => [...limitKeys.all, "changes"] as const,
  current: (accountId: string, scope: string) =>
    [...limitKeys.all, "current", accountId, scope] as const,
};

function isCurrent(body: unknown): body is { limits: MmpLimits | null } {
  return typeof body === "object" && body !== null && "limits" in body;
}

/** The scope's limits at the venue now (one fresh read on the server), for the form's start:
 * the desk's rows lack some settable fields (a max quote quantity). Read once per opening. */
export function currentLimitsQueryOptions(accountId: string, scope: string) {
  return queryOptions({
    queryKey: limitKeys.current(accountId, scope),
    queryFn: async ({ signal }) => {
      const q = new URLSearchParams({ accountId, scope }).toString();
      const body = await fetchJson<unknown>(`/api/limits/current?${q}`, {
        signal,
        timeoutMs: LIST_TIMEOUT_MS,
      });
      if (!isCurrent(body))
        throw new RequestError(200, "bad_response", "unexpected answer from the server");
      return body.limits;
    },
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}

export interface LimitChangeList {
  changes: LimitChangeView[];
  serverTime: number;
}

/** Someone else's request or decision shows within this; nothing here is pushed. */
export const LIMITS_POLL_MS = 3_000;
const LIST_TIMEOUT_MS = 8_000;
// Longer than the server's own bound on one run (reads before and after, the set call), so the
// server, not this timer, decides the outcome of an approval.
const POST_TIMEOUT_MS = 30_000;

function isChangeList(body: unknown): body is LimitChangeList {
  return (
    typeof body === "object" &&
    body !== null &&
    "changes" in body &&
    Array.isArray(body.changes) &&
    "serverTime" in body &&
    typeof body.serverTime === "number"
  );
}

export function limitChangesQueryOptions() {
  return queryOptions({
    queryKey: limitKeys.changes(),
    queryFn: async ({ signal }) => {
      const body = await fetchJson<unknown>("/api/limits/requests", {
        signal,
        timeoutMs: LIST_TIMEOUT_MS,
      });
      if (!isChangeList(body))
        throw new RequestError(200, "bad_response", "unexpected answer from the server");
      return body;
    },
    refetchInterval: LIMITS_POLL_MS,
    // The next poll is the retry, and a failure shows at once instead of after back-offs.
    retry: false,
  });
}

export interface LimitRequestBody {
  accountId: string;
  scope: string;
  after: MmpLimits;
  confirmSwitchOff: boolean;
  idempotencyKey: string;
}

const post = <T>(url: string, body: unknown) =>
  fetchJson<T>(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    timeoutMs: POST_TIMEOUT_MS,
  });

export const postLimitRequest = (body: LimitRequestBody) =>
  post<LimitChangeView>("/api/limits/requests", body);

export type LimitDecision = "approve" | "decline";

export const postLimitDecision = (kind: LimitDecision, body: LimitDecisionInput) =>
  post<LimitChangeView>(`/api/limits/requests/${kind}`, body);
