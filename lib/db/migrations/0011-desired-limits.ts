import type { Kysely } from "kysely";

// Desired MMP limits and drift (issue 15, point 5).
// - desired_limits: a row's desired limits as the last verified limit change left them (the
//   config file's `desired` applies where there is none).
// - row_drift: the drift each row is in now, so a restart (or another process) does not alert
//   the same drift twice; removed when the row is back to its desired state.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("desired_limits")
    .addColumn("row_id", "text", (c) => c.primaryKey())
    .addColumn("limits_json", "text", (c) => c.notNull())
    .addColumn("set_by", "text", (c) => c.notNull())
    .addColumn("set_at", "text", (c) => c.notNull())
    .addColumn("change_id", "text")
    .execute();
  await db.schema
    .createTable("row_drift")
    .addColumn("row_id", "text", (c) => c.primaryKey())
    .addColumn("drift_key", "text", (c) => c.notNull())
    .addColumn("since", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("row_drift").execute();
  await db.schema.dropTable("desired_limits").execute();
}
