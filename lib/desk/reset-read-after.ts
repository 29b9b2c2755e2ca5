import "server-only";
import type { Attempt } from "@/lib/desk/reset-audit";
import type { ResetDeps } from "@/lib/desk/reset-deps";
import type { MmpRow } from "@/lib/model/types";
import { log } from "@/lib/platform/log";
import type { VenueAccount } from "@/lib/venues/account";

// After a reset the venue answered ok, the account is read again and what that read shows is
// appended to the attempt as `observed`: the state after, for every venue (most answer a reset
// with no state at all), and a check of the answer where one says something. It is a row of its
// own, written after the answer went back: waiting for the read before the `ok` row would put a
// venue round trip (and perhaps a rate-budget wait) into every reset. The audit page shows it
// beside the `ok` row (lib/audit/query.ts).

/** Re-reads the account (the store announces it to the live streams) and records `observed`.
 * Never throws: a failed read or write is logged and the attempt stands as recorded. */
export async function recordReadAfter(
  deps: ResetDeps,
  attempt: Attempt,
  account: VenueAccount,
  before: MmpRow,
): Promise<void> {
  try {
    // At reset priority, as the reset's own reads: it is the attempt's evidence. On a venue whose
    // bucket is small (2 tokens, so a venue's 5 per 2 s is never passed) a poll-priority read could
    // not get in beside the poller, and the audit row said "not recorded". The cost: a reset
    // right after it may wait for one token (under a second).
    await deps.state.readAccountNow(account, "reset");
    const problem = deps.state.readProblem(account);
    if (problem) {
      log.warn({ row: before.id, problem: problem.message }, "post-reset read failed");
      return;
    }
    const after = deps.state.rowsOf(account).find((r) => r.scope === before.scope) ?? null;
    await attempt.record({
      outcome: "observed",
      stateBefore: before,
      stateAfter: after,
      detail: after
        ? `post-reset read: ${after.status.toUpperCase()}`
        : "post-reset read: the row is gone from the venue's answer",
    });
  } catch (err) {
    log.error({ err, row: before.id }, "could not record the post-reset read");
  }
}
