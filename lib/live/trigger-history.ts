import "server-only";
import { getDb } from "@/lib/db/client";
import type { TriggerEventTable } from "@/lib/db/schema";
import type { MmpRow, TriggerEvent, TriggerHistory, Venue } from "@/lib/model/types";

// Trigger history: a freeze opens an event, the next ACTIVE closes it with how it ended. A reset
// through this desk names its user; otherwise a freeze whose period ran out "expired", and any
// other return to active is "cleared" (e.g. reset elsewhere).

const RESET_ATTRIBUTION_MS = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** Opens a freeze event unless one is already open for the row; true when it opened one. */
export async function recordFreeze(row: MmpRow, at: number): Promise<boolean> {
  const { db } = await getDb();
  const open = await db
    .selectFrom("trigger_event")
    .select("id")
    .where("row_id", "=", row.id)
    .where("ended_at", "is", null)
    .executeTakeFirst();
  if (open) return false;
  await db
    .insertInto("trigger_event")
    .values({
      row_id: row.id,
      account_id: row.accountId,
      venue: row.venue,
      scope: row.scope,
      frozen_at: iso(at),
      frozen_until: row.frozenUntil === null ? null : iso(row.frozenUntil),
      ended_at: null,
      ended_by: null,
      reset_by: null,
    })
    .execute();
  return true;
}

export async function recordUnfreeze(rowId: string, at: number): Promise<void> {
  const { db } = await getDb();
  const open = await db
    .selectFrom("trigger_event")
    .selectAll()
    .where("row_id", "=", rowId)
    .where("ended_at", "is", null)
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (!open) return;
  // Who reset it, from the audit trail (any process of the desk may have sent the reset).
  const reset = await db
    .selectFrom("audit_log")
    .select("actor")
    .where("account_id", "=", open.account_id)
    .where("scope", "=", open.scope)
    .where("at", ">=", iso(at - RESET_ATTRIBUTION_MS))
    .where((eb) =>
      eb.or([
        eb("outcome", "=", "ok"),
        eb.and([eb("outcome", "=", "resolved"), eb("detail", "like", "%took effect%")]),
      ]),
    )
    .orderBy("seq", "desc")
    .executeTakeFirst();
  const byReset = Boolean(reset);
  const expired = open.frozen_until !== null && at >= Date.parse(open.frozen_until) - 1000;
  await db
    .updateTable("trigger_event")
    .set({
      ended_at: iso(at),
      ended_by: byReset ? "reset" : expired ? "expired" : "cleared",
      reset_by: reset?.actor ?? null,
    })
    .where("id", "=", open.id)
    .execute();
}

function toEvent(r: { id: number } & Omit<TriggerEventTable, "id">): TriggerEvent {
  return {
    id: r.id,
    rowId: r.row_id,
    accountId: r.account_id,
    venue: r.venue as Venue,
    scope: r.scope,
    frozenAt: Date.parse(r.frozen_at),
    frozenUntil: r.frozen_until === null ? null : Date.parse(r.frozen_until),
    endedAt: r.ended_at === null ? null : Date.parse(r.ended_at),
    endedBy: (r.ended_by as TriggerEvent["endedBy"]) ?? null,
    resetBy: r.reset_by,
  };
}

export async function rowHistory(rowId: string, limit: number): Promise<TriggerEvent[]> {
  const { db } = await getDb();
  const rows = await db
    .selectFrom("trigger_event")
    .selectAll()
    .where("row_id", "=", rowId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}

/** The last 200 freezes across the desk and 24 hourly counts ending at the current hour. */
export async function deskHistory(now = Date.now()): Promise<TriggerHistory> {
  const { db } = await getDb();
  const hour = 3_600_000;
  const firstBucket = Math.floor(now / hour) * hour - 23 * hour;
  const rows = await db
    .selectFrom("trigger_event")
    .selectAll()
    .where("frozen_at", ">=", iso(firstBucket))
    .orderBy("id", "desc")
    .limit(5000)
    .execute();
  const buckets = Array.from({ length: 24 }, (_, i) => ({
    start: firstBucket + i * hour,
    count: 0,
  }));
  for (const r of rows) {
    const bucket = buckets[Math.floor((Date.parse(r.frozen_at) - firstBucket) / hour)];
    if (bucket) bucket.count += 1;
  }
  return { events: rows.slice(0, 200).map(toEvent), buckets };
}
