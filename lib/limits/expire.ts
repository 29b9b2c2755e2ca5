import "server-only";
import { appendAudit } from "@/lib/audit/append";
import type { Db } from "@/lib/db/client";
import { transition } from "@/lib/limits/store";

// Requests nobody decided in time end as `expired`, with their row in the audit trail. Run when
// the list of changes is read (and a decision on one finds it late): nothing else depends on the
// moment it happens, since an expired request can never be sent.
export async function expireDue(db: Db, now: number): Promise<number> {
  const due = await db.db
    .selectFrom("limit_change")
    .select(["id", "account_id", "scope", "venue", "expires_at"])
    .where("status", "=", "pending")
    .where("expires_at", "<=", new Date(now).toISOString())
    .execute();
  let expired = 0;
  for (const row of due) {
    if (!(await transition(db, row.id, "pending", "expired"))) continue;
    expired += 1;
    await appendAudit(
      {
        actor: "system",
        role: "system",
        action: "mmp.limits.decide",
        outcome: "expired",
        venue: row.venue,
        accountId: row.account_id,
        scope: row.scope,
        detail: `change ${row.id}: not approved by ${row.expires_at}`,
      },
      db,
    );
  }
  return expired;
}
