import "server-only";
import { resetScope } from "@/lib/desk/reset";
import { resetDefaults, resetMaxMs, type ResetDeps } from "@/lib/desk/reset-deps";
import { stateChangingRoute, type EdgeDeps } from "@/lib/http/state-changing";
import { resetRequestSchema } from "@/lib/model/reset-request";
import type { ResetResult } from "@/lib/model/types";

/** An unknown outcome is an answer, not a failure: 202, with what a re-read shows. */
export const resetStatus = (result: ResetResult): number =>
  result.outcome === "unknown" ? 202 : 200;

// POST /api/mmp/reset as the edge sees it (app/api/mmp/reset/route.ts serves it). Built by a
// function so that tests run the same route in-process with their own database and accounts.
export function resetRoute(deps: { edge?: Partial<EdgeDeps>; reset?: Partial<ResetDeps> } = {}) {
  return stateChangingRoute(
    {
      permission: "mmp.reset",
      action: "mmp.reset",
      schema: resetRequestSchema,
      what: "reset",
      identify: (input, user) => ({
        subject: {
          accountId: input.accountId,
          scope: input.scope,
          idempotencyKey: input.idempotencyKey,
        },
        idempotencyKey: input.idempotencyKey,
        fingerprint: `${user.username}|${input.accountId}|${input.scope}`,
      }),
      maxRunMs: () => resetMaxMs((deps.reset?.settings ?? resetDefaults().settings)()),
      run: (input, attempt) => resetScope(input, attempt, deps.reset),
      status: resetStatus,
    },
    deps.edge,
  );
}
