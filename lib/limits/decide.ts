import "server-only";
import type { Attempt } from "@/lib/desk/reset-audit";
import { limitDefaults, type LimitDeps } from "@/lib/limits/deps";
import { applyApproved } from "@/lib/limits/apply";
import { getChange, toView, transition } from "@/lib/limits/store";
import type { LimitChangeView, LimitDecisionInput } from "@/lib/model/limit-change";
import { AppError } from "@/lib/platform/errors";
import type { LimitChangeTable } from "@/lib/db/schema";

// The second pair of eyes. An approval names the exact diff it saw (its hash), comes from
// another user than the requester (by username: a second session of the same user is the same
// person), and reaches the venue only if the request is still pending and in time; the move
// pending → sending is one conditional UPDATE, so a replayed or concurrent approval sends
// nothing. A decline sends nothing either.

async function pendingChange(
  deps: LimitDeps,
  input: LimitDecisionInput,
  attempt: Attempt,
): Promise<LimitChangeTable> {
  const db = await deps.db();
  const row = await getChange(db, input.id);
  if (!row) throw new AppError("unknown_change", `no limit change ${input.id}`);
  attempt.about({ accountId: row.account_id, scope: row.scope, venue: row.venue });
  if (row.status !== "pending")
    throw new AppError(
      "change_not_pending",
      `this change is already ${row.status}: nothing was sent`,
    );
  if (Date.parse(row.expires_at) <= deps.now()) {
    if (await transition(db, row.id, "pending", "expired"))
      await attempt.record({
        outcome: "expired",
        detail: `change ${row.id}: not approved by ${row.expires_at}`,
      });
    throw new AppError(
      "change_expired",
      "this change expired before it was approved: nothing was sent",
    );
  }
  if (input.diffHash !== row.diff_hash)
    throw new AppError(
      "diff_mismatch",
      "the change differs from the one you reviewed: nothing was sent; review it again",
    );
  return row;
}

/** Moves a pending change to `to` as decided by this user now; exactly one decider wins. */
async function decide(
  deps: LimitDeps,
  row: LimitChangeTable,
  attempt: Attempt,
  to: "sending" | "declined",
): Promise<LimitChangeTable> {
  const fields = {
    decided_by: attempt.user.username,
    decided_at: new Date(deps.now()).toISOString(),
  };
  if (!(await transition(await deps.db(), row.id, "pending", to, fields)))
    throw new AppError(
      "change_not_pending",
      `this change was decided meanwhile${to === "sending" ? ": nothing was sent" : ""}`,
    );
  return { ...row, ...fields, status: to };
}

export async function approveLimitChange(
  input: LimitDecisionInput,
  attempt: Attempt,
  overrides: Partial<LimitDeps> = {},
): Promise<LimitChangeView> {
  const deps = { ...limitDefaults(), ...overrides };
  const row = await pendingChange(deps, input, attempt);
  if (row.requested_by === attempt.user.username)
    throw new AppError(
      "own_change",
      "a change needs another person's approval: you requested this one",
    );
  const sending = await decide(deps, row, attempt, "sending");
  await attempt.record({
    outcome: "approved",
    stateBefore: JSON.parse(row.before_json),
    stateAfter: JSON.parse(row.after_json),
    detail: `change ${row.id} requested by ${row.requested_by}`,
  });
  return applyApproved(deps, attempt, sending);
}

export async function declineLimitChange(
  input: LimitDecisionInput,
  attempt: Attempt,
  overrides: Partial<LimitDeps> = {},
): Promise<LimitChangeView> {
  const deps = { ...limitDefaults(), ...overrides };
  const row = await pendingChange(deps, input, attempt);
  const declined = await decide(deps, row, attempt, "declined");
  await attempt.record({
    outcome: "declined",
    detail: `change ${row.id} requested by ${row.requested_by}`,
  });
  return toView(declined, deps.now());
}
