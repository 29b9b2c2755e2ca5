import "server-only";
import type { LimitDeps } from "@/lib/limits/deps";
import type { MmpLimits } from "@/lib/model/limits";
import { AppError } from "@/lib/platform/errors";
import type { UsableVenueAccount } from "@/lib/venues/account";
import { guardedRead } from "@/lib/venues/guard";
import type { AdapterContext, SetLimitsReceipt } from "@/lib/venues/types";

// The account and scope a limit change is about, with the venue calls it needs: a guarded read
// of the scope's limits, and the set call.

export interface LimitsTarget {
  account: UsableVenueAccount;
  scope: string;
  readLimits(ctx: AdapterContext, scope: string): Promise<MmpLimits | null>;
  setLimits(ctx: AdapterContext, scope: string, limits: MmpLimits): Promise<SetLimitsReceipt>;
}

export async function limitsTarget(
  deps: LimitDeps,
  accountId: string,
  scope: string,
): Promise<LimitsTarget> {
  const account = await deps.account(accountId);
  if (!account) throw new AppError("unknown_account", `no account "${accountId}"`);
  if (account.problem) throw new AppError(account.problem.code, account.problem.message);
  const { adapter } = account;
  if (!adapter.scopePattern.test(scope))
    throw new AppError("invalid_scope", `"${scope}" is not a scope of this venue`);
  if (account.account.scopes && !account.account.scopes.includes(scope))
    throw new AppError("unknown_scope", `account "${accountId}" does not watch ${scope}`);
  const { readLimits, setLimits } = adapter;
  if (!readLimits || !setLimits)
    throw new AppError("limits_not_supported", `${adapter.label}: limit changes are not built yet`);
  return { account, scope, readLimits, setLimits };
}

/** The scope's limits at the venue now (a fresh, guarded read; never a cached row). */
export async function readLimitsNow(deps: LimitDeps, t: LimitsTarget): Promise<MmpLimits | null> {
  const { guard, ctx } = t.account;
  return guardedRead(
    guard,
    deps.settings().readTimeoutMs,
    () => t.readLimits(ctx, t.scope),
    "reset",
    deps.guard(),
  );
}
