"use client";

import { useCallback, useRef } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { newIdempotencyKey } from "@/lib/client/queries";
import {
  limitKeys,
  postLimitDecision,
  type LimitChangeList,
  type LimitDecision,
} from "@/lib/client/limits-queries";
import type { LimitChangeView } from "@/lib/model/limit-change";

/**
 * An approver's decision on one change: one POST per click while none is in flight, bound to the
 * diff the approver is looking at (its hash), so a change that differs is refused, not sent. The
 * answer (the change as it now stands) replaces the row in the list at once; a poll follows.
 */
export function useLimitDecision() {
  const queryClient = useQueryClient();
  const inFlight = useRef(false);
  const mutation = useMutation({
    mutationFn: ({ kind, change }: { kind: LimitDecision; change: LimitChangeView }) =>
      postLimitDecision(kind, {
        id: change.id,
        diffHash: change.diffHash,
        idempotencyKey: newIdempotencyKey(),
      }),
    retry: 0,
    onSuccess: (updated) =>
      queryClient.setQueryData<LimitChangeList>(limitKeys.changes(), (old) =>
        old
          ? { ...old, changes: old.changes.map((c) => (c.id === updated.id ? updated : c)) }
          : old,
      ),
    onSettled: () => {
      inFlight.current = false;
      void queryClient.invalidateQueries({ queryKey: limitKeys.all });
    },
  });
  const { mutate } = mutation;
  const decide = useCallback(
    (kind: LimitDecision, change: LimitChangeView) => {
      if (inFlight.current) return;
      inFlight.current = true;
      mutate({ kind, change });
    },
    [mutate],
  );
  return {
    decide,
    pending: mutation.isPending,
    /** Which decision is in flight or was last made. */
    kind: mutation.variables?.kind ?? null,
    error: mutation.error,
  };
}
