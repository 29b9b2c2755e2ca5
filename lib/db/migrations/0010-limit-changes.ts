import type { Kysely } from "kysely";

// MMP limit changes under four eyes (issue 15): one row per request, from "pending" to how it
// ended. The audit trail is the record of every step; this table is the workflow's state (what
// is pending, what was approved, what the venue showed after), so a decision is one conditional
// UPDATE (pending → sending) that exactly one approver can win.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("limit_change")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("venue", "text", (c) => c.notNull())
    .addColumn("requested_by", "text", (c) => c.notNull())
    .addColumn("requested_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("before_json", "text", (c) => c.notNull())
    .addColumn("after_json", "text", (c) => c.notNull())
    .addColumn("diff_hash", "text", (c) => c.notNull())
    .addColumn("switches_off", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("decided_by", "text")
    .addColumn("decided_at", "text")
    .addColumn("read_after_json", "text")
    .addColumn("detail", "text")
    .execute();
  await db.schema
    .createIndex("limit_change_status")
    .on("limit_change")
    .columns(["status", "requested_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("limit_change").execute();
}
