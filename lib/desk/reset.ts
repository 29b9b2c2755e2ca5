import "server-only";
import { toErrorResult } from "@/lib/http/errors";
import { AppError } from "@/lib/platform/errors";
import type { CurrentUser } from "@/lib/auth/current-user";
import type { ResolvedAccount } from "@/lib/config/load";
import { getConfig } from "@/lib/config/runtime";
import { settings } from "@/lib/config/settings";
import {
  accountProblem,
  adapterContext,
  guardTarget,
  readAccount,
  readAccountNow,
  readProblem,
  rowsOf,
} from "@/lib/live/account-state";
import {
  auditAttempt,
  auditDenied,
  type AttemptContext,
  type RequestMeta,
} from "@/lib/desk/reset-audit";
import { runOnce, withRowLock, type StoredAnswer } from "@/lib/desk/reset-guards";
import type { MmpRow, ResetResult } from "@/lib/model/types";
import { log } from "@/lib/platform/log";
import { publishAccount } from "@/lib/live/publish";
import type { ResetRequest } from "@/lib/model/reset-request";
import { VenueError } from "@/lib/venues/errors";
import { adapterFor } from "@/lib/venues/registry";
import { guardedReset, resetBlockedReason } from "@/lib/venues/guard";
import { resolveUnknown } from "@/lib/desk/reset-resolve";

// One reset, end to end. Invariants:
// - nothing is sent unless a read at most MMP_RESET_FRESH_MS old says the scope is FROZEN (some
//   venues clear the counters of an active scope on reset, so an active row is never reset);
// - `requested` is in the audit trail before the venue is called; if it cannot be written,
//   nothing is sent; every attempt ends with exactly one result row (or one `denied` row);
// - an unknown outcome is never retried: the state is re-read and reported as it is.

async function resolveTarget(input: ResetRequest) {
  const config = await getConfig();
  const account = config.accounts.find((a) => a.id === input.accountId);
  if (!account) throw new AppError(404, "unknown_account", `no account "${input.accountId}"`);
  const adapter = adapterFor(account.venue);
  if (adapter && !adapter.scopePattern.test(input.scope)) {
    throw new AppError(400, "invalid_scope", `not a valid ${adapter.label} scope`);
  }
  if (account.scopes && !account.scopes.includes(input.scope)) {
    throw new AppError(
      404,
      "unknown_scope",
      `account "${account.id}" does not watch ${input.scope}`,
    );
  }
  const problem = accountProblem(account);
  const ctx = adapterContext(account);
  if (problem || !adapter || !ctx) {
    throw new AppError(
      409,
      problem?.code ?? "misconfigured",
      problem?.message ?? "account cannot be used",
    );
  }
  return { account, adapter, ctx };
}

const findRow = (account: ResolvedAccount, scope: string): MmpRow | null =>
  rowsOf(account).find((r) => r.scope === scope) ?? null;

async function freshFrozenRow(account: ResolvedAccount, scope: string): Promise<MmpRow> {
  await readAccount(account, settings().resetFreshMs);
  // A recent *failed* read is not a reason to refuse: look again once before giving up.
  if (readProblem(account)) await readAccountNow(account, "reset");
  const problem = readProblem(account);
  if (problem)
    throw new AppError(
      503,
      "state_unconfirmed",
      `cannot confirm the state before resetting: ${problem.message}`,
    );
  const row = findRow(account, scope);
  if (!row)
    throw new AppError(404, "unknown_scope", `account "${account.id}" has no scope ${scope}`);
  if (row.status !== "frozen") {
    throw new AppError(
      409,
      "not_frozen",
      `${scope} is ${row.status.toUpperCase()}, not frozen: nothing was sent`,
    );
  }
  return row;
}

const answer = (status: number, result: ResetResult): StoredAnswer => ({ status, body: result });

async function sendAndRecord(
  attempt: AttemptContext,
  target: Awaited<ReturnType<typeof resolveTarget>>,
  scope: string,
): Promise<StoredAnswer> {
  const { account, adapter, ctx } = target;
  const guard = guardTarget(account, adapter);
  const blocked = resetBlockedReason(guard);
  if (blocked)
    throw new AppError(
      503,
      blocked.startsWith("degraded") ? "venue_degraded" : "venue_blocked",
      `${blocked}; nothing was sent`,
    );
  const before = await freshFrozenRow(account, scope);
  try {
    await auditAttempt(attempt, { outcome: "requested", stateBefore: before });
  } catch (err) {
    log.error({ err, row: before.id }, "audit write failed: reset NOT sent");
    throw new AppError(
      503,
      "audit_unavailable",
      "the audit trail cannot be written, so nothing was sent",
    );
  }
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const receipt = await guardedReset(guard, () => adapter.reset(ctx, scope));
    const latencyMs = elapsed();
    // The answer goes back as soon as the result is in the audit trail: a reset adds only signing
    // and two audit writes to the venue's round trip. The state after is what the venue's answer
    // says (where it says anything); the refreshed row follows on the live stream.
    const after = receipt.stateAfter ? { ...before, ...receipt.stateAfter } : null;
    await auditAttempt(attempt, {
      outcome: "ok",
      stateBefore: before,
      stateAfter: after,
      venueMessage: receipt.venueAnswer,
      latencyMs,
    });
    // After the audit row: the trigger history names the resetter from it.
    // At poll priority: the refresh is not urgent (the monitor would see it too) and must not
    // spend the reserve that keeps the next reset from queueing.
    void readAccountNow(account)
      .then(() => publishAccount(account))
      .catch((err: unknown) => log.error({ err, row: before.id }, "refresh after reset failed"));
    return answer(200, {
      outcome: "ok",
      message: "Reset done",
      row: after,
      latencyMs,
      serverTime: Date.now(),
    });
  } catch (err) {
    const latencyMs = elapsed();
    if (err instanceof VenueError && err.kind !== "unknown_outcome") {
      const mapped = toErrorResult(err);
      await auditAttempt(attempt, {
        outcome: "rejected",
        stateBefore: before,
        venueCode:
          err.details.venueCode ??
          (err.details.httpStatus ? `HTTP ${err.details.httpStatus}` : err.kind),
        venueMessage: err.message,
        latencyMs,
      });
      return { status: mapped.status, body: mapped.body };
    }
    // Timeout, dropped connection, 5xx, unreadable answer — or a bug after the call: the venue
    // may have acted. Record that, then look (never send again) and record what we see.
    const reason =
      err instanceof VenueError ? err.message : "internal error after the reset was sent";
    if (!(err instanceof VenueError))
      log.error({ err, row: before.id }, "unexpected error during reset");
    await auditAttempt(attempt, {
      outcome: "unknown",
      stateBefore: before,
      venueMessage: reason,
      latencyMs,
    });
    log.warn({ row: before.id, reason }, "reset outcome unknown");
    const { row: after, summary: seen } = await resolveUnknown(attempt, account, scope, before);
    return answer(202, {
      outcome: "unknown",
      message: `Outcome unknown (${reason}); ${seen}`,
      row: after,
      latencyMs,
      serverTime: Date.now(),
    });
  }
}

export async function resetScope(
  input: ResetRequest,
  user: CurrentUser,
  meta: RequestMeta,
): Promise<StoredAnswer> {
  const s = settings();
  const lockTtlMs = s.resetTimeoutMs + 2 * s.readTimeoutMs + 5000;
  const fingerprint = `${user.username}|${input.accountId}|${input.scope}`;
  const attempt: AttemptContext = {
    user,
    meta,
    accountId: input.accountId,
    scope: input.scope,
    idempotencyKey: input.idempotencyKey,
  };
  const { replayed, ...stored } = await runOnce(
    input.idempotencyKey,
    fingerprint,
    lockTtlMs,
    async () => {
      try {
        const target = await resolveTarget(input);
        attempt.venue = target.account.venue;
        return await withRowLock(`${target.account.id}/${input.scope}`, lockTtlMs, () =>
          sendAndRecord(attempt, target, input.scope),
        );
      } catch (err) {
        // Refused before anything was sent: one `denied` row says who tried what and why.
        const refused = toErrorResult(err);
        if (!(err instanceof AppError && err.code === "audit_unavailable"))
          await auditDenied(attempt, err);
        return { status: refused.status, body: refused.body };
      }
    },
  );
  if (replayed) log.info({ key: input.idempotencyKey }, "idempotent replay of a reset answer");
  return stored;
}
