import type { Kysely } from "kysely";

// The latest state per account, written by whichever process read it, so every app process of a
// PostgreSQL deployment serves the same desk (followers are told by NOTIFY to read it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("live_state")
    .addColumn("account_id", "text", (c) => c.primaryKey())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("live_state").execute();
}
