import { sql, type Kysely } from "kysely";
import type { Dialect } from "@/lib/db/dialect";

// The audit trail plus the tables that make resets idempotent and mutually exclusive.
// Append-only is enforced twice: triggers refuse UPDATE/DELETE on audit_log (an accident stops
// there), and the hash chain makes any deliberate edit detectable by the verifier.

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable("audit_log")
    .addColumn("seq", "integer", (c) => c.primaryKey())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("venue", "text")
    .addColumn("account_id", "text")
    .addColumn("scope", "text")
    .addColumn("state_before", "text")
    .addColumn("state_after", "text")
    .addColumn("idempotency_key", "text")
    .addColumn("client_ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("venue_code", "text")
    .addColumn("venue_message", "text")
    .addColumn("latency_ms", "integer")
    .addColumn("detail", "text")
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_log_at").on("audit_log").column("at").execute();
  await db.schema
    .createIndex("audit_log_account_scope")
    .on("audit_log")
    .columns(["account_id", "scope"])
    .execute();

  await db.schema
    .createTable("reset_idempotency")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("body", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("row_lock")
    .addColumn("row_id", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();

  await appendOnlyTriggers(db, dialect);
}

/** Dialect-specific: triggers that make audit_log append-only. */
async function appendOnlyTriggers(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === "sqlite") {
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
      db,
    );
    await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
      db,
    );
    return;
  }
  await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`.execute(
    db,
  );
  await sql`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(
    db,
  );
  await sql`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("row_lock").execute();
  await db.schema.dropTable("reset_idempotency").execute();
  await db.schema.dropTable("audit_log").execute();
}
