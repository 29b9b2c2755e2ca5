import "server-only";
import type { Attempt } from "@/lib/desk/reset-audit";
import { resetDefaults, resetMaxMs, type ResetDeps } from "@/lib/desk/reset-deps";
import { noteResetTookEffect } from "@/lib/desk/reset-history";
import { resolveUnknown } from "@/lib/desk/reset-resolve";
import { withRowLock } from "@/lib/desk/row-lock";
import type { ResetRequest } from "@/lib/model/reset-request";
import type { MmpRow, ResetResult } from "@/lib/model/types";
import { AppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";
import type { UsableVenueAccount } from "@/lib/venues/account";
import { VenueError } from "@/lib/venues/errors";
import { guardedReset, resetBlockedReason } from "@/lib/venues/guard";

// One reset, end to end. It returns what happened (ok, or unknown after a re-read) or throws:
// an AppError when it refused before sending anything (the HTTP edge writes the `denied` row and
// picks the status), or the venue's VenueError after recording `rejected`. Invariants:
// - nothing is sent unless a read at most MMP_RESET_FRESH_MS old says the scope is FROZEN (some
//   venues clear the counters of an active scope on reset, so an active row is never reset);
// - `requested` is in the audit trail before the venue is called; if it cannot be written,
//   nothing is sent; an attempt that sent ends with `ok`, `rejected`, or `unknown` then
//   `resolved` (the HTTP edge writes `denied` for one refused before `requested`);
// - an unknown outcome is never retried: the state is re-read and reported as it is.

async function resolveTarget(deps: ResetDeps, input: ResetRequest): Promise<UsableVenueAccount> {
  const target = await deps.account(input.accountId);
  if (!target) throw new AppError("unknown_account", `no account "${input.accountId}"`);
  const { account, adapter } = target;
  if (adapter && !adapter.scopePattern.test(input.scope)) {
    throw new AppError("invalid_scope", `not a valid ${adapter.label} scope`);
  }
  if (account.scopes && !account.scopes.includes(input.scope)) {
    throw new AppError("unknown_scope", `account "${account.id}" does not watch ${input.scope}`);
  }
  if (target.problem) throw new AppError(target.problem.code, target.problem.message);
  // Discovered scopes: once a read has listed them, a scope not among them is refused from that
  // list, not after signed reads of the venue (a flood of made-up scopes must cost it nothing).
  if (!account.scopes) {
    const listed = deps.state.rowsOf(target).filter((r) => r.fetchedAt !== null);
    if (listed.length > 0 && !listed.some((r) => r.scope === input.scope))
      throw new AppError("unknown_scope", `account "${account.id}" has no scope ${input.scope}`);
  }
  return target;
}

async function freshFrozenRow(
  deps: ResetDeps,
  target: UsableVenueAccount,
  scope: string,
): Promise<MmpRow> {
  const { state } = deps;
  await state.readAccount(target, deps.settings().resetFreshMs);
  // A recent *failed* read is not a reason to refuse: look again once before giving up.
  if (state.readProblem(target)) await state.readAccountNow(target, "reset");
  const problem = state.readProblem(target);
  if (problem)
    throw new AppError(
      "state_unconfirmed",
      `cannot confirm the state before resetting: ${problem.message}`,
    );
  const row = state.rowsOf(target).find((r) => r.scope === scope);
  if (!row)
    throw new AppError("unknown_scope", `account "${target.account.id}" has no scope ${scope}`);
  if (row.status !== "frozen") {
    throw new AppError(
      "not_frozen",
      `${scope} is ${row.status.toUpperCase()}, not frozen: nothing was sent`,
    );
  }
  return row;
}

/** The venue's code for the audit row: its own, else the HTTP status, else our kind. */
const venueCodeOf = (err: VenueError) =>
  err.details.venueCode ?? (err.details.httpStatus ? `HTTP ${err.details.httpStatus}` : err.kind);

async function sendAndRecord(
  deps: ResetDeps,
  attempt: Attempt,
  target: UsableVenueAccount,
  scope: string,
): Promise<ResetResult> {
  const { adapter, ctx, guard } = target;
  const blocked = resetBlockedReason(guard, undefined, deps.guard());
  if (blocked)
    throw new AppError(
      blocked.startsWith("degraded") ? "venue_degraded" : "venue_blocked",
      `${blocked}; nothing was sent`,
    );
  const before = await freshFrozenRow(deps, target, scope);
  try {
    await attempt.record({ outcome: "requested", stateBefore: before });
  } catch (err) {
    log.error({ err, row: before.id }, "audit write failed: reset NOT sent");
    throw new AppError(
      "audit_unavailable",
      "the audit trail cannot be written, so nothing was sent",
    );
  }
  // The one latency measurement: the guarded venue call as a whole (a token wait, a clock
  // re-sync and its second request included), the same for every outcome.
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const receipt = await guardedReset(guard, () => adapter.reset(ctx, scope), deps.guard());
    const latencyMs = elapsed();
    // The answer goes back as soon as the result is in the audit trail: a reset adds only signing
    // and two audit writes to the venue's round trip. The state after is what the venue's answer
    // says (where it says anything); the refreshed row follows on the live stream.
    const after = receipt.stateAfter ? { ...before, ...receipt.stateAfter } : null;
    await attempt.record({
      outcome: "ok",
      stateBefore: before,
      stateAfter: after,
      venueMessage: receipt.venueAnswer,
      latencyMs,
    });
    // The trigger history is told the freeze ended by this user's reset (a local write, which
    // normally lands before the refresh does; if not, it corrects the closing). The refresh
    // starts now, so a snapshot asked for right after the answer joins it. At poll priority:
    // the refresh is not urgent (the monitor would see it too) and must not spend the reserve
    // that keeps the next reset from queueing. The store announces the re-read as it lands.
    void noteResetTookEffect(deps, attempt, before);
    void deps.state
      .readAccountNow(target)
      .catch((err: unknown) => log.error({ err, row: before.id }, "refresh after reset failed"));
    return { outcome: "ok", message: "Reset done", row: after, latencyMs, serverTime: deps.now() };
  } catch (err) {
    const latencyMs = elapsed();
    if (err instanceof VenueError && err.kind !== "unknown_outcome") {
      // A definite answer: the venue refused, and said so. The edge maps it to a status.
      await attempt.record({
        outcome: "rejected",
        stateBefore: before,
        venueCode: venueCodeOf(err),
        venueMessage: err.message,
        latencyMs,
      });
      throw err;
    }
    // Timeout, dropped connection, 5xx, unreadable answer — or a bug after the call: the venue
    // may have acted. Record that, then look (never send again) and record what we see.
    const reason =
      err instanceof VenueError ? err.message : "internal error after the reset was sent";
    if (!(err instanceof VenueError))
      log.error({ err, row: before.id }, "unexpected error during reset");
    await attempt.record({
      outcome: "unknown",
      stateBefore: before,
      venueMessage: reason,
      latencyMs,
    });
    log.warn({ row: before.id, reason }, "reset outcome unknown");
    const { row: after, summary: seen } = await resolveUnknown(
      deps,
      attempt,
      target,
      scope,
      before,
    );
    return {
      outcome: "unknown",
      message: `Outcome unknown (${reason}); ${seen}`,
      row: after,
      latencyMs,
      serverTime: deps.now(),
    };
  }
}

/** Resets one frozen (account, scope), writing its audit rows through `attempt`. */
export async function resetScope(
  input: ResetRequest,
  attempt: Attempt,
  overrides: Partial<ResetDeps> = {},
): Promise<ResetResult> {
  const deps: ResetDeps = { ...resetDefaults(), ...overrides };
  const target = await resolveTarget(deps, input);
  attempt.about({ venue: target.account.venue });
  return withRowLock(
    await deps.db(),
    `${target.account.id}/${input.scope}`,
    resetMaxMs(deps.settings()),
    () => sendAndRecord(deps, attempt, target, input.scope),
    deps.now,
  );
}
