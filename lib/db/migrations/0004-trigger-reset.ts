import type { Kysely } from "kysely";

// A freeze's end was attributed to a reset by searching the audit trail's human-readable
// messages. Now the reset use case records on the freeze itself when a reset through this desk
// took effect (reset_at, with the user in reset_by), and closing the freeze reads that column
// (lib/live/trigger-history.ts). Plain ADD COLUMN: the same statement on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("trigger_event").addColumn("reset_at", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("trigger_event").dropColumn("reset_at").execute();
}
