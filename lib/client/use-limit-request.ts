"use client";

import { useCallback, useRef } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { RequestError, newIdempotencyKey } from "@/lib/client/queries";
import { limitKeys, postLimitRequest, type LimitRequestBody } from "@/lib/client/limits-queries";

export type LimitRequestDraft = Omit<LimitRequestBody, "idempotencyKey">;

/**
 * "Request change": one POST per click while none is in flight. A click after an attempt that got
 * no answer at all, for the very same values, reuses that attempt's key, so the server replays
 * its first answer rather than recording a second pending change; any answer (even a refusal)
 * ends the key, because the server stores that answer and would replay it for ever.
 */
export function useLimitRequest() {
  const queryClient = useQueryClient();
  const inFlight = useRef(false);
  const unanswered = useRef<{ fingerprint: string; key: string } | null>(null);
  const mutation = useMutation({
    mutationFn: postLimitRequest,
    retry: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: limitKeys.all }),
    onError: (error, body) => {
      const noAnswer = !(error instanceof RequestError) || error.status === 0;
      unanswered.current = noAnswer
        ? { fingerprint: fingerprintOf(body), key: body.idempotencyKey }
        : null;
    },
    onSettled: () => {
      inFlight.current = false;
    },
  });
  const { mutate, reset } = mutation;
  const submit = useCallback(
    (draft: LimitRequestDraft) => {
      if (inFlight.current) return;
      inFlight.current = true;
      const previous = unanswered.current;
      const fingerprint = fingerprintOf(draft);
      const key = previous?.fingerprint === fingerprint ? previous.key : newIdempotencyKey();
      unanswered.current = null;
      mutate({ ...draft, idempotencyKey: key });
    },
    [mutate],
  );
  return {
    submit,
    /** Forget the last answer (the user edits the form again). */
    clear: reset,
    pending: mutation.isPending,
    result: mutation.data ?? null,
    error: mutation.error,
  };
}

const fingerprintOf = (d: LimitRequestDraft) =>
  JSON.stringify([d.accountId, d.scope, d.after, d.confirmSwitchOff]);
