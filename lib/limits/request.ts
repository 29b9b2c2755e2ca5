import "server-only";
import { randomUUID } from "node:crypto";
import type { Attempt } from "@/lib/desk/reset-audit";
import { limitDefaults, type LimitDeps } from "@/lib/limits/deps";
import { policyViolation } from "@/lib/limits/policy";
import { diffHash, insertChange, toView } from "@/lib/limits/store";
import { limitsTarget, readLimitsNow } from "@/lib/limits/target";
import type { LimitChangeView, LimitRequestInput } from "@/lib/model/limit-change";
import { diffLimits } from "@/lib/model/limits";
import { VENUE_LIMITS, limitEffects, venueLimitsSchema } from "@/lib/model/venue-limits";
import { AppError } from "@/lib/platform/errors";

// "Request change": the first pair of eyes. Nothing is sent to the venue here but one read: the
// request records the venue's values now ("before"), the values asked for ("after"), and the
// hash an approval must present. Refusals (out of the venue's range, outside the firm's policy,
// no change, a switch-off without its confirmation) throw before anything is stored.

function summary(changes: ReturnType<typeof diffLimits>): string {
  return changes.map((c) => `${c.label} ${String(c.before)} → ${String(c.after)}`).join("; ");
}

export async function requestLimitChange(
  input: LimitRequestInput,
  attempt: Attempt,
  overrides: Partial<LimitDeps> = {},
): Promise<LimitChangeView> {
  const deps = { ...limitDefaults(), ...overrides };
  const target = await limitsTarget(deps, input.accountId, input.scope);
  const { venue } = target.account.account;
  attempt.about({ venue });
  const parsed = venueLimitsSchema(venue).safeParse(input.after);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "";
    throw new AppError(
      "invalid_limits",
      `${field ? `${field}: ` : ""}${issue?.message ?? "invalid"}`,
    );
  }
  const after = parsed.data;
  const violation = policyViolation(
    await deps.policy(),
    target.account.account.id,
    input.scope,
    venue,
    after,
  );
  if (violation) throw new AppError("invalid_limits", violation);
  const before = await readLimitsNow(deps, target);
  if (!before)
    throw new AppError(
      "not_configured",
      `${input.scope} has no MMP configuration at the venue to change`,
    );
  const changes = diffLimits(VENUE_LIMITS[venue], before, after);
  if (changes.length === 0)
    throw new AppError("limits_unchanged", "nothing to change: the values equal the venue's");
  const effects = limitEffects(venue, before, after);
  if (effects.switchesOff && !input.confirmSwitchOff)
    throw new AppError(
      "confirmation_required",
      "this change switches MMP off: confirm it explicitly (switch MMP off)",
    );
  const now = deps.now();
  const row = {
    id: randomUUID(),
    account_id: input.accountId,
    scope: input.scope,
    venue,
    requested_by: attempt.user.username,
    requested_at: new Date(now).toISOString(),
    expires_at: new Date(now + deps.approvalTtlMs()).toISOString(),
    before_json: JSON.stringify(before),
    after_json: JSON.stringify(after),
    diff_hash: diffHash(input.accountId, input.scope, before, after),
    switches_off: effects.switchesOff ? 1 : 0,
    status: "pending",
    decided_by: null,
    decided_at: null,
    read_after_json: null,
    detail: null,
  };
  // The audit row first: a request the trail does not know of is never stored.
  await attempt.record({
    outcome: "proposed",
    stateBefore: before,
    stateAfter: after,
    detail: `change ${row.id}: ${summary(changes)}${effects.switchesOff ? " (switches MMP off)" : ""}`,
  });
  await insertChange(await deps.db(), row);
  return toView(row, now);
}
