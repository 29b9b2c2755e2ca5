"use client";

import { useCallback, useRef, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { MmpRow } from "@/lib/model/types";
import { freezeStart } from "@/lib/model/row-status";
import { newIdempotencyKey, postReset } from "@/lib/client/queries";
import { deskCache } from "@/lib/client/desk-cache";
import { resetSettled, resetStarted } from "@/lib/client/reset-activity";
import {
  describeResetError,
  describeResetResult,
  type ResetOutcomeView,
} from "@/lib/client/reset-outcome";

export interface ResetMutation {
  /** Sends one reset of the row, unless one from this hook is still in flight. */
  start(row: MmpRow): void;
  pending: boolean;
  /** What to say about the last attempt; null before the first one settles. */
  outcome: ResetOutcomeView | null;
  /** Server time of the last successful answer (a later freeze makes its "done" old news). */
  answeredAt: number | null;
  /** When the freeze that the last reset was sent for began (to tell a new freeze from it). */
  startBefore: number | null;
}

/**
 * One row's reset: POST /api/mmp/reset with a fresh idempotency key per click, the answer's row
 * written through the desk cache (which drops it if the stream already brought newer data), and
 * after it settles the cache decides what else to fetch: nothing while the stream is live (the
 * server re-reads the account and the stream delivers it), a poll when it is down.
 */
export function useResetMutation(): ResetMutation {
  const cache = deskCache(useQueryClient());
  // `disabled` only takes effect after React re-renders; two clicks can land before that. The
  // ref is set synchronously, so one reset is sent per click-while-idle, never two.
  const inFlight = useRef(false);
  const [startBefore, setStartBefore] = useState<number | null>(null);
  const mutation = useMutation({
    mutationFn: postReset,
    // Never retried automatically: a lost answer is reported as unknown, for a human to judge.
    retry: 0,
    onSuccess: (result) => {
      if (result.row) cache.writeRow(result.row);
    },
    onSettled: (_data, _error, request) => {
      inFlight.current = false;
      resetSettled();
      cache.resetSettled(request.accountId);
    },
  });

  const { mutate } = mutation;
  const start = useCallback(
    (row: MmpRow) => {
      if (inFlight.current) return;
      inFlight.current = true;
      setStartBefore(freezeStart(row));
      resetStarted();
      mutate({ accountId: row.accountId, scope: row.scope, idempotencyKey: newIdempotencyKey() });
    },
    [mutate],
  );

  const outcome = mutation.isSuccess
    ? describeResetResult(mutation.data)
    : mutation.isError
      ? describeResetError(mutation.error)
      : null;
  return {
    start,
    pending: mutation.isPending,
    outcome,
    answeredAt: mutation.isSuccess ? mutation.data.serverTime : null,
    startBefore,
  };
}
