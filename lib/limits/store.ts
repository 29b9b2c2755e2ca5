import "server-only";
import { createHash } from "node:crypto";
import type { Db } from "@/lib/db/client";
import type { LimitChangeTable } from "@/lib/db/schema";
import { LIMIT_FIELDS, canonicalDecimal, diffLimits, type MmpLimits } from "@/lib/model/limits";
import type { LimitChangeStatus, LimitChangeView } from "@/lib/model/limit-change";
import { VENUE_LIMITS, limitEffects } from "@/lib/model/venue-limits";
import type { Venue } from "@/lib/model/venues";

// The limit_change table (migration 0010): the workflow's state. Every step is also in the audit
// trail; this is what is pending and how each request ended.

/** One spelling per value, fields in the table's order: equal limits give equal text. */
export function canonicalLimits(l: MmpLimits): MmpLimits {
  const out = {} as Record<keyof MmpLimits, number | string | null>;
  for (const f of LIMIT_FIELDS) {
    const v = l[f];
    out[f] = typeof v === "string" ? canonicalDecimal(v) : v;
  }
  return out as MmpLimits;
}

export const sameLimits = (a: MmpLimits, b: MmpLimits): boolean =>
  JSON.stringify(canonicalLimits(a)) === JSON.stringify(canonicalLimits(b));

/** What an approval binds to: this account, this scope, from exactly these values to these. */
export function diffHash(accountId: string, scope: string, before: MmpLimits, after: MmpLimits) {
  const text = JSON.stringify([accountId, scope, canonicalLimits(before), canonicalLimits(after)]);
  return createHash("sha256").update(text).digest("hex");
}

export async function insertChange(db: Db, row: LimitChangeTable): Promise<void> {
  await db.db.insertInto("limit_change").values(row).execute();
}

export async function getChange(db: Db, id: string): Promise<LimitChangeTable | null> {
  const row = await db.db
    .selectFrom("limit_change")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  return row ?? null;
}

/** Moves a change from one status to another; false when it was no longer in `from` (someone
 * else decided first, or it expired): exactly one caller wins a transition. */
export async function transition(
  db: Db,
  id: string,
  from: LimitChangeStatus,
  to: LimitChangeStatus,
  fields: Partial<
    Pick<LimitChangeTable, "decided_by" | "decided_at" | "read_after_json" | "detail">
  > = {},
): Promise<boolean> {
  const res = await db.db
    .updateTable("limit_change")
    .set({ status: to, ...fields })
    .where("id", "=", id)
    .where("status", "=", from)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The newest changes, pending ones first. */
export async function listChanges(db: Db, limit = 100): Promise<LimitChangeTable[]> {
  const pending = await db.db
    .selectFrom("limit_change")
    .selectAll()
    .where("status", "=", "pending")
    .orderBy("requested_at", "desc")
    .limit(limit)
    .execute();
  const rest = await db.db
    .selectFrom("limit_change")
    .selectAll()
    .where("status", "!=", "pending")
    .orderBy("requested_at", "desc")
    .limit(limit)
    .execute();
  return [...pending, ...rest];
}

const parse = (text: string) => JSON.parse(text) as MmpLimits;

export function toView(
  row: LimitChangeTable,
  now: number,
  accountLabel = row.account_id,
): LimitChangeView {
  const venue = row.venue as Venue;
  const before = parse(row.before_json);
  const after = parse(row.after_json);
  // A pending request past its time shows as expired before anyone tries to decide it.
  const status =
    row.status === "pending" && Date.parse(row.expires_at) <= now
      ? "expired"
      : (row.status as LimitChangeStatus);
  return {
    id: row.id,
    accountId: row.account_id,
    accountLabel,
    scope: row.scope,
    venue,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    expiresAt: row.expires_at,
    before,
    after,
    diffHash: row.diff_hash,
    switchesOff: row.switches_off === 1,
    status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    readAfter: row.read_after_json ? parse(row.read_after_json) : null,
    detail: row.detail,
    changes: diffLimits(VENUE_LIMITS[venue], before, after),
    effects: limitEffects(venue, before, after),
  };
}
