import "server-only";
import { appendAudit, type AuditEntry } from "@/lib/audit/append";
import { limitDefaults, type LimitDeps } from "@/lib/limits/deps";
import { sameLimits, transition } from "@/lib/limits/store";
import { limitsTarget, readLimitsNow } from "@/lib/limits/target";
import type { MmpLimits } from "@/lib/model/limits";
import { log } from "@/lib/platform/log";
import { saveDesired } from "@/lib/live/desired";
import { singleton } from "@/lib/platform/singleton";

// A limit change left "sending" (its process died between `sent` and the venue's answer, or
// before it could store the result) is settled by looking, never by sending again: after
// STUCK_MS the venue is re-read; the requested values there make it verified, anything else
// unknown (someone must look at the venue). Each settles with audit rows by "system".

const STUCK_MS = 2 * 60_000;
const EVERY_MS = 30_000;

export async function reconcileLimitChanges(
  overrides: Partial<LimitDeps> = {},
  audit: (e: AuditEntry) => Promise<unknown> = (e) => appendAudit(e),
): Promise<number> {
  const deps = { ...limitDefaults(), ...overrides };
  const db = await deps.db();
  const stuck = await db.db
    .selectFrom("limit_change")
    .selectAll()
    .where("status", "=", "sending")
    .where("decided_at", "<=", new Date(deps.now() - STUCK_MS).toISOString())
    .execute();
  for (const row of stuck) {
    const after = JSON.parse(row.after_json) as MmpLimits;
    let live: MmpLimits | null = null;
    try {
      live = await readLimitsNow(deps, await limitsTarget(deps, row.account_id, row.scope));
    } catch (err) {
      log.warn({ err, change: row.id }, "limit change reconciliation: the venue cannot be read");
      continue;
    }
    const applied = live !== null && sameLimits(live, after);
    const to = applied ? "verified" : "unknown";
    const detail = applied ? null : "the process sending it stopped; the venue shows other values";
    if (
      !(await transition(db, row.id, "sending", to, {
        read_after_json: JSON.stringify(live),
        detail,
      }))
    )
      continue;
    const base = {
      actor: "system",
      role: "system",
      action: "mmp.limits.decide",
      venue: row.venue,
      accountId: row.account_id,
      scope: row.scope,
    };
    await audit({
      ...base,
      outcome: "unknown",
      detail: `change ${row.id}: its sending process stopped`,
    });
    await audit({
      ...base,
      outcome: applied ? "verified" : "unverified",
      stateAfter: live,
      detail: `change ${row.id}: a re-read ${applied ? "shows the requested values" : "shows other values"}`,
    });
    if (applied && live)
      await saveDesired(db, `${row.account_id}/${row.scope}`, live, row.decided_by ?? "?", row.id);
  }
  return stuck.length;
}

export function startLimitReconciler(): void {
  singleton("limit-reconciler", () => {
    const pass = () =>
      void reconcileLimitChanges().catch((err: unknown) =>
        log.error({ err }, "limit change reconciliation failed"),
      );
    pass();
    const timer = setInterval(pass, EVERY_MS);
    timer.unref();
    return timer;
  });
}
