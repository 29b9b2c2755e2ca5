import "server-only";
import type { Kysely } from "kysely";
import { getDb } from "@/lib/db/client";
import type { Database, TriggerEventTable } from "@/lib/db/schema";
import type { LimitEvent, MmpRow, TriggerEvent, TriggerHistory, Venue } from "@/lib/model/types";

// Trigger history: a freeze opens an event, the next ACTIVE closes it with how it ended
// (ended_by). A reset through this desk that took effect within RESET_ATTRIBUTION_MS before the
// freeze is seen to end makes it "reset", naming its user; otherwise a freeze whose period ran
// out "expired", and any other return to active is "cleared" (e.g. reset elsewhere). The reset use
// case says when its reset took effect (recordResetTookEffect): the history never reads the
// audit trail's messages.

const RESET_ATTRIBUTION_MS = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

type Handle = Kysely<Database>;
/** The given database (tests run the history in-process), else the process's own. */
const dbOf = async (handle?: Handle): Promise<Handle> => handle ?? (await getDb()).db;

/** Opens a freeze event unless one is already open for the row; true when it opened one. */
export async function recordFreeze(row: MmpRow, at: number, handle?: Handle): Promise<boolean> {
  const db = await dbOf(handle);
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
      reset_at: null,
    })
    .execute();
  return true;
}

export async function recordUnfreeze(rowId: string, at: number, handle?: Handle): Promise<void> {
  const db = await dbOf(handle);
  const open = await db
    .selectFrom("trigger_event")
    .select(["id", "frozen_until"])
    .where("row_id", "=", rowId)
    .where("ended_at", "is", null)
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (!open) return;
  const expired = open.frozen_until !== null && at >= Date.parse(open.frozen_until) - 1000;
  const since = iso(at - RESET_ATTRIBUTION_MS);
  // One statement reads the reset mark and closes the event, so a reset recorded at the same
  // moment is either seen here or finds the event closed (and corrects it): never lost between.
  await db
    .updateTable("trigger_event")
    .set((eb) => ({
      ended_at: iso(at),
      ended_by: eb
        .case()
        .when("reset_at", ">=", since)
        .then("reset")
        .else(expired ? "expired" : "cleared")
        .end(),
      reset_by: eb.case().when("reset_at", ">=", since).then(eb.ref("reset_by")).else(null).end(),
    }))
    .where("id", "=", open.id)
    .where("ended_at", "is", null)
    .execute();
}

export interface ResetTookEffect {
  rowId: string;
  /** Who reset it (the audit's actor). */
  user: string;
  /** When the row was last read FROZEN before the reset was sent. */
  seenFrozenAt: number;
  at: number;
}

/** A reset through this desk took effect on the row: the venue confirmed it, or a re-read after
 * an unknown outcome shows the row ACTIVE. Marks the row's open freeze, so that closing it names
 * the reset and its user. The account-state store may announce the re-read (and so close the
 * freeze) before the reset use case gets here: a freeze closed since the row was last seen
 * frozen is corrected to "reset". */
export async function recordResetTookEffect(
  reset: ResetTookEffect,
  handle?: Handle,
): Promise<void> {
  const db = await dbOf(handle);
  const { rowId, user } = reset;
  const at = iso(reset.at);
  await db
    .updateTable("trigger_event")
    .set({ reset_at: at, reset_by: user })
    .where("row_id", "=", rowId)
    .where("ended_at", "is", null)
    .execute();
  await db
    .updateTable("trigger_event")
    .set({ ended_by: "reset", reset_at: at, reset_by: user })
    .where("row_id", "=", rowId)
    .where("ended_at", ">=", iso(Math.max(reset.seenFrozenAt, reset.at - RESET_ATTRIBUTION_MS)))
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

export async function rowHistory(
  rowId: string,
  limit: number,
  handle?: Handle,
): Promise<TriggerEvent[]> {
  const db = await dbOf(handle);
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

const LIMIT_OUTCOMES: LimitEvent["outcome"][] = [
  "verified",
  "unverified",
  "drift_detected",
  "drift_cleared",
];

/** A row's limits as the audit trail tells them: verified changes and drift, newest first. */
export async function rowLimitEvents(
  rowId: string,
  limit: number,
  handle?: Handle,
): Promise<LimitEvent[]> {
  const slash = rowId.indexOf("/");
  const db = await dbOf(handle);
  const rows = await db
    .selectFrom("audit_log")
    .select(["seq", "at", "outcome", "actor", "detail"])
    .where("account_id", "=", rowId.slice(0, slash))
    .where("scope", "=", rowId.slice(slash + 1))
    .where("outcome", "in", LIMIT_OUTCOMES)
    .orderBy("seq", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    at: Date.parse(r.at),
    outcome: r.outcome as LimitEvent["outcome"],
    actor: r.actor,
    detail: r.detail,
  }));
}
