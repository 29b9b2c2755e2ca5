import type { Kysely } from "kysely";

// Server-side sessions and sign-in throttling (issue 12, points 3 and 4).
// - auth_session: one row per sign-in. The cookie (a JWT) names its row by `sid`; a request is
//   served only while the row exists, is not revoked, and its credential fingerprint still matches
//   the user in the config (lib/auth/session-validity.ts). Kept in the database so a sign-out or a
//   "sign out everywhere" in one process holds in every process on it.
// - auth_throttle: failed sign-in counters per username and per client address, with the time
//   the key is locked until (lib/auth/sign-in-throttle.ts).
// Plain portable types: the same statements on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("auth_session")
    .addColumn("sid", "text", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .addColumn("revoked_reason", "text")
    .execute();
  await db.schema
    .createIndex("auth_session_username")
    .on("auth_session")
    .column("username")
    .execute();
  await db.schema
    .createIndex("auth_session_created_at")
    .on("auth_session")
    .column("created_at")
    .execute();

  await db.schema
    .createTable("auth_throttle")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("last_failure_at", "text")
    .addColumn("locked_until", "text")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("auth_throttle").execute();
  await db.schema.dropTable("auth_session").execute();
}
