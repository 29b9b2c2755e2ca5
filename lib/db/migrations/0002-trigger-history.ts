import type { Kysely } from "kysely";
import type { Dialect } from "@/lib/db/dialect";

// Trigger history: one row per freeze the desk saw (active → frozen), closed when the row is seen
// active again, with how it ended. Not part of the audit trail (rows are updated when closed).
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable("trigger_event")
    .addColumn("id", dialect === "postgres" ? "serial" : "integer", (c) =>
      dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("row_id", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("venue", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("frozen_at", "text", (c) => c.notNull())
    .addColumn("frozen_until", "text")
    .addColumn("ended_at", "text")
    .addColumn("ended_by", "text")
    .addColumn("reset_by", "text")
    .execute();
  await db.schema
    .createIndex("trigger_event_row")
    .on("trigger_event")
    .columns(["row_id", "frozen_at"])
    .execute();
  await db.schema
    .createIndex("trigger_event_frozen_at")
    .on("trigger_event")
    .column("frozen_at")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("trigger_event").execute();
}
