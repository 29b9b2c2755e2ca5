import { sql, type Kysely } from "kysely";
import type { Dialect } from "@/lib/db/dialect";

// Keyed audit chain (lib/audit/chain.ts): each row names the key of its HMAC (key_id; null on the
// plain SHA-256 rows written before), and audit_chain holds the chain's identity — its id (which
// anchors outside the database name) and the last legacy row — in one row that lib/audit writes
// once, sealed with the key. Like audit_log, that row can be neither changed nor deleted.

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable("audit_log").addColumn("key_id", "text").execute();
  await db.schema
    .createTable("audit_chain")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("chain_id", "text", (c) => c.notNull())
    .addColumn("legacy_through", "integer", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("seal", "text", (c) => c.notNull())
    .execute();
  if (dialect === "sqlite") {
    await sql`CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END`.execute(
      db,
    );
    await sql`CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END`.execute(
      db,
    );
    return;
  }
  // audit_log_append_only() is migration 0001's: it raises "audit_log is append-only".
  await sql`CREATE TRIGGER audit_chain_no_change BEFORE UPDATE OR DELETE ON audit_chain FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(
    db,
  );
  await sql`CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("audit_chain").execute();
  await db.schema.alterTable("audit_log").dropColumn("key_id").execute();
}
