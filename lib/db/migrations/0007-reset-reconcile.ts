import { sql, type Kysely } from "kysely";

// Resets that survive a crash, and one reset per freeze across processes (issue 12, points 5, 9).
// - reset_open: one row per reset attempt that may have reached the venue and has no final audit
//   row yet (opened before `requested` is written, closed with `ok`, `rejected` or `resolved`).
//   The reconciler (lib/desk/reset-reconcile.ts) reads this small table, never the whole trail.
// - row_reset: when a reset of each row last reached (or may have reached) the venue — a FROZEN
//   read taken before it no longer proves anything, in any process — and the trigger time of the
//   last freeze a reset is known to have cleared, which no process resets again
//   (lib/desk/reset.ts).
// - app_process: every app process on this database, with a heartbeat, so that the attempts and
//   idempotency keys of a process that is gone are settled at once instead of after a timeout.
// - reset_idempotency.process_id: which process is producing a pending answer.
// Plain portable types: the same statements on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("reset_open")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("row_id", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("process_id", "text", (c) => c.notNull())
    .addColumn("opened_at", "text", (c) => c.notNull())
    .addColumn("not_before", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("row_reset")
    .addColumn("row_id", "text", (c) => c.primaryKey())
    .addColumn("reset_at", "text", (c) => c.notNull())
    .addColumn("cleared_trigger_at", "text")
    .execute();

  await db.schema
    .createTable("app_process")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("host", "text", (c) => c.notNull())
    .addColumn("pid", "integer", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("seen_at", "text", (c) => c.notNull())
    .execute();

  await db.schema.alterTable("reset_idempotency").addColumn("process_id", "text").execute();

  // Attempts left open by a build without this table: `requested` in the last day (how long an
  // idempotency key lives) with no result row of the same key. Older ones stay flagged by the
  // audit verifier; re-reading now would say nothing about them.
  const since = new Date(Date.now() - 24 * 60 * 60_000).toISOString();
  await sql`
    INSERT INTO reset_open
      (id, idempotency_key, row_id, account_id, scope, process_id, opened_at, not_before)
    SELECT 'backfill-' || CAST(r.seq AS TEXT), r.idempotency_key, r.account_id || '/' || r.scope,
           r.account_id, r.scope, 'before-0007', r.at, r.at
    FROM audit_log r
    WHERE r.outcome = 'requested' AND r.at >= ${since}
      AND r.idempotency_key IS NOT NULL AND r.account_id IS NOT NULL AND r.scope IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM audit_log x
        WHERE x.at >= r.at AND x.seq > r.seq AND x.idempotency_key = r.idempotency_key
          AND x.outcome IN ('ok', 'rejected', 'unknown', 'resolved'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("reset_idempotency").dropColumn("process_id").execute();
  await db.schema.dropTable("app_process").execute();
  await db.schema.dropTable("row_reset").execute();
  await db.schema.dropTable("reset_open").execute();
}
