import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import type { Dialect } from "@/lib/db/dialect";
import * as m0001 from "@/lib/db/migrations/0001-audit-and-resets";
import * as m0002 from "@/lib/db/migrations/0002-trigger-history";
import * as m0003 from "@/lib/db/migrations/0003-live-state";
import * as m0004 from "@/lib/db/migrations/0004-trigger-reset";
import * as m0005 from "@/lib/db/migrations/0005-audit-keyed-chain";
import * as m0006 from "@/lib/db/migrations/0006-sessions";
import * as m0007 from "@/lib/db/migrations/0007-reset-reconcile";
import * as m0008 from "@/lib/db/migrations/0008-audit-read-indexes";
import * as m0009 from "@/lib/db/migrations/0009-audit-key-index";
import * as m0010 from "@/lib/db/migrations/0010-limit-changes";
import * as m0011 from "@/lib/db/migrations/0011-desired-limits";

// Migrations are listed here (not read from a folder) so they survive bundling. The same list
// runs on SQLite and PostgreSQL; a migration that needs dialect-specific SQL receives the dialect.
const MIGRATIONS: Record<
  string,
  {
    up: (db: Kysely<unknown>, d: Dialect) => Promise<void>;
    down?: (db: Kysely<unknown>) => Promise<void>;
  }
> = {
  "0001-audit-and-resets": m0001,
  "0002-trigger-history": m0002,
  "0003-live-state": m0003,
  "0004-trigger-reset": m0004,
  "0005-audit-keyed-chain": m0005,
  "0006-sessions": m0006,
  "0007-reset-reconcile": m0007,
  "0008-audit-read-indexes": m0008,
  "0009-audit-key-index": m0009,
  "0010-limit-changes": m0010,
  "0011-desired-limits": m0011,
};

function provider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(MIGRATIONS)) {
        out[name] = { up: (db) => m.up(db, dialect), down: m.down };
      }
      return out;
    },
  };
}

export async function migrateToLatest<T>(db: Kysely<T>, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({
    db: db as unknown as Kysely<unknown>,
    provider: provider(dialect),
    // 0005 (keyed audit chain) landed after 0006 (sessions): a database that already ran 0006
    // must still run 0005 rather than refuse to start. Every migration here is independent of
    // the others' order.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
