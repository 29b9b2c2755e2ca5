import type { Kysely } from "kysely";

// Reading a long trail (issue 12: a million rows). The audit page asks for the newest rows that
// match a filter (actor, outcome, account, account and scope), ORDER BY seq DESC LIMIT n. With an
// index per filter that ends in seq, the database walks the matching rows newest first and stops
// at n; without it, it scans the trail backwards until n match (a full scan for a rare actor) or
// sorts every matching row (a quarter of the trail for one account). The old (account_id, scope)
// index is a prefix of the new one and goes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("audit_log_account_scope").execute();
  const indexes: [string, string[]][] = [
    ["audit_log_actor_seq", ["actor", "seq"]],
    ["audit_log_outcome_seq", ["outcome", "seq"]],
    ["audit_log_account_seq", ["account_id", "seq"]],
    ["audit_log_account_scope_seq", ["account_id", "scope", "seq"]],
  ];
  for (const [name, columns] of indexes)
    await db.schema.createIndex(name).on("audit_log").columns(columns).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    "audit_log_actor_seq",
    "audit_log_outcome_seq",
    "audit_log_account_seq",
    "audit_log_account_scope_seq",
  ])
    await db.schema.dropIndex(name).execute();
  await db.schema
    .createIndex("audit_log_account_scope")
    .on("audit_log")
    .columns(["account_id", "scope"])
    .execute();
}
