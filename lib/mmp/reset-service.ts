import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { CurrentUser } from "@/lib/auth/current-user";
import type { ResolvedAccount } from "@/lib/config/load";
import { getConfig } from "@/lib/config/runtime";
import { settings } from "@/lib/config/settings";
import {
  accountProblem,
  adapterContext,
  readAccount,
  readAccountNow,
  readProblem,
  rowsOf,
} from "@/lib/mmp/account-state";
import { runOnce, withRowLock } from "@/lib/mmp/reset-guards";
import type { MmpRow, ResetResult } from "@/lib/mmp/types";
import { log } from "@/lib/server/log";
import type { ResetRequest } from "@/lib/validations/reset";
import { VenueError } from "@/lib/venues/errors";
import { adapterFor } from "@/lib/venues/registry";

// One reset, end to end. Invariants: nothing is sent unless a read at most MMP_RESET_FRESH_MS old
// says the scope is frozen (some venues clear the counters of an active scope on reset, so a
// reset of an active row is never sent, on any venue); an unknown outcome is never retried — the state is
// re-read and reported as it is.

export interface ResetAnswer {
  httpStatus: 200 | 202;
  result: ResetResult;
}

async function resolveTarget(input: ResetRequest) {
  const config = await getConfig();
  const account = config.accounts.find((a) => a.id === input.accountId);
  if (!account) throw new ApiError(404, "unknown_account", `no account "${input.accountId}"`);
  const adapter = adapterFor(account.venue);
  if (adapter && !adapter.scopePattern.test(input.scope)) {
    throw new ApiError(
      400,
      "invalid_scope",
      `"${input.scope.slice(0, 64)}" is not a valid ${account.venue} scope`,
    );
  }
  if (account.scopes && !account.scopes.includes(input.scope)) {
    throw new ApiError(
      404,
      "unknown_scope",
      `account "${account.id}" does not watch ${input.scope}`,
    );
  }
  const problem = accountProblem(account);
  const ctx = adapterContext(account);
  if (problem || !adapter || !ctx)
    throw new ApiError(
      409,
      problem?.code ?? "misconfigured",
      problem?.message ?? "account cannot be used",
    );
  return { account, adapter, ctx };
}

function findRow(account: ResolvedAccount, scope: string): MmpRow | null {
  return rowsOf(account).find((r) => r.scope === scope) ?? null;
}

async function freshFrozenRow(account: ResolvedAccount, scope: string): Promise<MmpRow> {
  await readAccount(account, settings().resetFreshMs);
  const problem = readProblem(account);
  if (problem)
    throw new ApiError(
      503,
      "state_unconfirmed",
      `cannot confirm the state before resetting: ${problem.message}`,
    );
  const row = findRow(account, scope);
  if (!row)
    throw new ApiError(404, "unknown_scope", `account "${account.id}" has no scope ${scope}`);
  if (row.status !== "frozen") {
    throw new ApiError(
      409,
      "not_frozen",
      `${scope} is ${row.status.toUpperCase()}, not frozen: nothing was sent`,
    );
  }
  return row;
}

async function execute(input: ResetRequest, user: CurrentUser): Promise<ResetAnswer> {
  const { account, adapter, ctx } = await resolveTarget(input);
  const rowId = `${account.id}/${input.scope}`;
  return withRowLock(rowId, async () => {
    await freshFrozenRow(account, input.scope);
    const started = performance.now();
    try {
      await adapter.reset(ctx, input.scope);
    } catch (err) {
      if (!(err instanceof VenueError) || err.kind !== "unknown_outcome") throw err;
      await readAccountNow(account);
      const row = findRow(account, input.scope);
      const seen = readProblem(account)
        ? "the re-read failed too"
        : `a re-read shows ${row?.status.toUpperCase() ?? "no row"}`;
      log.warn({ user: user.username, row: rowId, reason: err.message }, "reset outcome unknown");
      const latencyMs = Math.round(performance.now() - started);
      return {
        httpStatus: 202,
        result: {
          outcome: "unknown",
          message: `Outcome unknown (${err.message}); ${seen}`,
          row,
          latencyMs,
          serverTime: Date.now(),
        },
      };
    }
    const latencyMs = Math.round(performance.now() - started);
    await readAccountNow(account);
    log.info({ user: user.username, row: rowId, latencyMs }, "reset ok");
    return {
      httpStatus: 200,
      result: {
        outcome: "ok",
        message: "Reset done",
        row: findRow(account, input.scope),
        latencyMs,
        serverTime: Date.now(),
      },
    };
  });
}

export function resetScope(input: ResetRequest, user: CurrentUser): Promise<ResetAnswer> {
  const fingerprint = `${user.username}|${input.accountId}|${input.scope}`;
  return runOnce(input.idempotencyKey, fingerprint, () => execute(input, user));
}
