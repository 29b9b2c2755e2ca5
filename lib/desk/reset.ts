import "server-only";
import type { Attempt } from "@/lib/desk/reset-audit";
import { resetDefaults, resetMaxMs, type ResetDeps } from "@/lib/desk/reset-deps";
import { noteResetTookEffect } from "@/lib/desk/reset-history";
import { recordReadAfter } from "@/lib/desk/reset-read-after";
import { responseSent } from "@/lib/platform/after-response";
import { mustFinish } from "@/lib/platform/lifecycle";
import {
  closeAttempt,
  lastRowReset,
  noteRowReset,
  openAttempt,
  rowIdOf,
  type OpenAttempt,
} from "@/lib/desk/reset-ledger";
import { resolveUnknown } from "@/lib/desk/reset-resolve";
import { withRowLock, type HeldLock } from "@/lib/desk/row-lock";
import { onVenueClock } from "@/lib/desk/venue-time";
import type { ResetRequest } from "@/lib/model/reset-request";
import type { MmpRow, ResetResult } from "@/lib/model/types";
import { AppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";
import { addSpan, timed } from "@/lib/platform/server-timing";
import type { UsableVenueAccount } from "@/lib/venues/account";
import { VenueError } from "@/lib/venues/errors";
import { guardedReset, resetBlockedReason } from "@/lib/venues/guard";

// One reset, end to end. It returns what happened (ok, or unknown after a re-read) or throws:
// an AppError when it refused before sending anything (the HTTP edge writes the `denied` row and
// picks the status), or the venue's VenueError after recording `rejected`. Invariants:
// - nothing is sent unless a read at most MMP_RESET_FRESH_MS old says the scope is FROZEN (some
//   venues clear the counters of an active scope on reset, so an active row is never reset);
// - one freeze, one reset: that read must also have started after the row's last reset in any
//   process (row_reset, written before the row lock is released); an older one is read again.
//   A freeze a reset is known to have cleared (same trigger time) is not reset again, even where
//   the venue keeps reporting it (a venue without a frozen flag whose trigger time survives a
//   reset: every process learns which trigger a reset cleared, but not all at the same moment:
//   lib/venues/cleared-triggers.ts).
//   The row lock is held across the whole check-and-send;
// - an attempt is "open" (reset_open) from before `requested` until its final row, so that one
//   whose process dies is settled by the reconciler (lib/desk/reset-reconcile.ts);
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
  lock: HeldLock,
): Promise<MmpRow> {
  const { state } = deps;
  // Read under the lock: a reset that finished in another process before we took the lock has
  // written its time by now. A FROZEN read that started before it says nothing about the row
  // today (the reset may have unfrozen it) — unless it started after we took the lock.
  const last = await lastRowReset(await deps.db(), lock.rowId);
  const trusted = () => {
    if (last === null) return true;
    const started = state.readStartedAt(target);
    return started !== null && (started > last.resetAt || started >= lock.acquiredAt);
  };
  let ownRead = false;
  const readNow = async () => {
    await state.readAccountNow(target, "reset");
    ownRead = true;
  };
  await state.readAccount(target, deps.settings().resetFreshMs);
  // A recent *failed* read is not a reason to refuse, nor is one from before the row's last
  // reset, nor rows past their stale limit (a limit shorter than resetFreshMs): look again once
  // (a read that starts now) before giving up.
  const stale = () =>
    state.rowsOf(target).some((r) => r.scope === scope && r.status === "unknown" && r.lastKnown);
  if (state.readProblem(target) || !trusted() || stale()) await readNow();
  const cleared = last?.clearedTriggerAt ?? null;
  const frozenRow = () => {
    const problem = state.readProblem(target);
    if (problem)
      throw new AppError(
        "state_unconfirmed",
        `cannot confirm the state before resetting: ${problem.message}`,
      );
    if (!trusted())
      throw new AppError(
        "state_unconfirmed",
        "this row was just reset and no read since confirms its state: nothing was sent",
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
  };
  let row = frozenRow();
  if (cleared === null || row.lastTriggerAt === null) return row;
  // A reset is known to have cleared a freeze of this row. Is this the same one, still reported
  // by the venue? Compared on the venue's clock, from a read of this process: a read shared by
  // another process has its trigger time on that process's clock (venue-time.ts).
  if (!ownRead) {
    await readNow();
    row = frozenRow();
    if (row.lastTriggerAt === null) return row;
  }
  if (onVenueClock(target, row.lastTriggerAt) <= cleared + SAME_FREEZE_MS)
    throw new AppError(
      "not_frozen",
      `${scope}'s freeze (triggered ${new Date(row.lastTriggerAt).toISOString()}) was already reset through the desk: nothing was sent`,
    );
  return row;
}

/** One freeze's trigger time, on the venue's clock, as two processes work it out: exact, but for
 * an offset re-measured between the read and the check (a rare re-sync; then a freeze a venue
 * keeps reporting can be reset once more, as before) and rounding. */
const SAME_FREEZE_MS = 2;

/** The trigger time, on the venue's clock, of the freeze a reset that took effect cleared: the
 * FROZEN read's, or the venue's answer's where later (an answer may carry the trigger time). */
function clearedTrigger(
  target: UsableVenueAccount,
  before: MmpRow,
  after: MmpRow | null,
): number | null {
  const times = [before.lastTriggerAt, after?.lastTriggerAt ?? null].filter(
    (t): t is number => t !== null,
  );
  return times.length > 0 ? onVenueClock(target, Math.max(...times)) : null;
}

/** Records that the reset reached, or may have reached, the venue: every read taken before now
 * stops counting as proof of FROZEN, in every process. If that cannot be written, the row stays
 * locked until the lock expires (by then every read older than this reset is stale anyway). */
async function noteSent(
  deps: ResetDeps,
  lock: HeldLock,
  clearedTriggerAt: number | null = null,
): Promise<void> {
  try {
    await noteRowReset(await deps.db(), lock.rowId, Date.now(), clearedTriggerAt);
  } catch (err) {
    log.error({ err, row: lock.rowId }, "could not record the reset's time; row stays locked");
    lock.keep();
  }
}

/** The attempt has its final audit row. If the ledger cannot be told, the reconciler finds the
 * final row later and closes it then. */
async function settled(deps: ResetDeps, open: OpenAttempt): Promise<void> {
  await closeAttempt(await deps.db(), open.id).catch((err: unknown) =>
    log.error({ err, row: open.row_id }, "could not close the reset attempt; reconciler will"),
  );
}

/** The venue's code for the audit row: its own, else the HTTP status, else our kind. */
const venueCodeOf = (err: VenueError) =>
  err.details.venueCode ?? (err.details.httpStatus ? `HTTP ${err.details.httpStatus}` : err.kind);

async function sendAndRecord(
  deps: ResetDeps,
  attempt: Attempt,
  target: UsableVenueAccount,
  input: ResetRequest,
  lock: HeldLock,
): Promise<ResetResult> {
  const { scope } = input;
  const { adapter, ctx, guard } = target;
  const blocked = resetBlockedReason(guard, undefined, deps.guard());
  if (blocked)
    throw new AppError(
      blocked.startsWith("degraded") ? "venue_degraded" : "venue_blocked",
      `${blocked}; nothing was sent`,
    );
  const before = await timed("check", () => freshFrozenRow(deps, target, scope, lock));
  let open: OpenAttempt | null = null;
  try {
    // Open before `requested`: an attempt the reconciler finds without `requested` was not sent.
    const requestedAt = performance.now();
    open = await openAttempt(
      await deps.db(),
      { idempotencyKey: input.idempotencyKey, accountId: input.accountId, scope },
      lock.acquiredAt + resetMaxMs(deps.settings()),
    );
    // Committed (on disk) before the venue is called; its anchor is written during the call,
    // and the attempt's next row is anchored after it (lib/audit/append.ts).
    await attempt.record({ outcome: "requested", stateBefore: before }, { anchor: "follow" });
    addSpan("requested", performance.now() - requestedAt);
  } catch (err) {
    if (open) await settled(deps, open);
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
    const resultAt = performance.now();
    await noteSent(deps, lock, clearedTrigger(target, before, after));
    await attempt.record({
      outcome: "ok",
      stateBefore: before,
      stateAfter: after,
      venueMessage: receipt.venueAnswer,
      latencyMs,
    });
    await settled(deps, open);
    addSpan("result", performance.now() - resultAt);
    // Once the answer has gone out (lib/platform/after-response.ts: started earlier, this work
    // would be written ahead of it), the account is read again, so that the refresh normally
    // lands before a client that got the answer asks for the desk again (a snapshot does not wait
    // for reads under way); what it shows goes into the audit trail as `observed`. And the
    // trigger history is told the freeze ended by this user's reset (a local write; if it lands
    // after the refresh, it corrects the closing). Work the process finishes before it exits, so
    // a restart does not lose the state after: counted from now, while the request still is.
    void mustFinish(async () => {
      await responseSent();
      void noteResetTookEffect(deps, attempt, before);
      await recordReadAfter(deps, attempt, target, before);
    });
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
      await settled(deps, open);
      throw err;
    }
    // Timeout, dropped connection, 5xx, unreadable answer — or a bug after the call: the venue
    // may have acted. Record that, then look (never send again) and record what we see.
    const reason =
      err instanceof VenueError ? err.message : "internal error after the reset was sent";
    if (!(err instanceof VenueError))
      log.error({ err, row: before.id }, "unexpected error during reset");
    await noteSent(deps, lock);
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
      open,
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
    rowIdOf(target.account.id, input.scope),
    resetMaxMs(deps.settings()),
    (lock) => sendAndRecord(deps, attempt, target, input, lock),
    { now: deps.now },
  );
}
