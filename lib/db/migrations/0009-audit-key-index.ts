import type { Kysely } from "kysely";

// The audit page shows, beside each `ok` row, the state the post-reset read found: the
// `observed` row with the same idempotency key (lib/desk/reset-read-after.ts). One indexed
// lookup for a page of keys instead of a scan of the trail.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex("audit_log_key_outcome")
    .on("audit_log")
    .columns(["idempotency_key", "outcome"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("audit_log_key_outcome").execute();
}
