import "server-only";
import type { LimitBounds, LimitPolicy } from "@/lib/config/schema";
import { LIMIT_FIELDS, compareDecimal, type LimitField, type MmpLimits } from "@/lib/model/limits";
import { VENUE_LIMITS } from "@/lib/model/venue-limits";
import type { Venue } from "@/lib/model/venues";

// The firm's guardrails on MMP limits (the config file's `limitPolicy`): per venue, per account,
// per scope; for each field the most specific bound wins. Checked after the venue's own ranges.

interface Bound {
  value: number | string;
  where: string;
}

function boundsFor(
  policy: LimitPolicy,
  accountId: string,
  scope: string,
  venue: Venue,
  field: LimitField,
): { min?: Bound; max?: Bound } {
  const account = policy.accounts?.[accountId];
  const layers: [LimitBounds | undefined, string][] = [
    [policy.venues?.[venue], `the ${venue} policy`],
    [account, `the policy for account ${accountId}`],
    [account?.scopes?.[scope], `the policy for ${accountId}/${scope}`],
  ];
  const out: { min?: Bound; max?: Bound } = {};
  for (const [bounds, where] of layers) {
    const b = bounds?.[field];
    if (b?.min !== undefined) out.min = { value: b.min, where };
    if (b?.max !== undefined) out.max = { value: b.max, where };
  }
  return out;
}

const compare = (value: number | string, bound: number | string) =>
  typeof value === "number" && typeof bound === "number"
    ? Math.sign(value - bound)
    : compareDecimal(String(value), String(bound));

/** The first field outside the firm's bounds, as a message naming the bound; null when none. */
export function policyViolation(
  policy: LimitPolicy | undefined,
  accountId: string,
  scope: string,
  venue: Venue,
  after: MmpLimits,
): string | null {
  if (!policy) return null;
  for (const field of LIMIT_FIELDS) {
    const value = after[field];
    const spec = VENUE_LIMITS[venue][field];
    if (value === null || !spec) continue;
    const { min, max } = boundsFor(policy, accountId, scope, venue, field);
    const unit = spec.kind === "duration" ? " ms" : "";
    if (min && compare(value, min.value) < 0)
      return `${spec.label} ${value}${unit} is below the firm's minimum ${min.value}${unit} (${min.where})`;
    if (max && compare(value, max.value) > 0)
      return `${spec.label} ${value}${unit} is above the firm's maximum ${max.value}${unit} (${max.where})`;
  }
  return null;
}
