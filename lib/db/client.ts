import "server-only";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { dialectFor, type Dialect } from "@/lib/db/dialect";
import { migrateToLatest } from "@/lib/db/migrate";
import type { Database } from "@/lib/db/schema";
import { openSqliteFile, withDeferrableFsync, type SqliteFile } from "@/lib/db/sqlite";
import { env, type AppEnv } from "@/lib/platform/env";
import { singleton } from "@/lib/platform/singleton";

// One database handle per process: SQLite under ./data/ by default, PostgreSQL when DATABASE_URL
// is a postgres:// URL. Migrations run once when the handle is first opened.

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
}

export const DEFAULT_SQLITE_PATH = "./data/mmp.sqlite";

export function openDb(vars: Pick<AppEnv, "DATABASE_URL" | "MMP_SQLITE_PATH"> = env()): Db {
  const dialect = dialectFor(vars.DATABASE_URL);
  if (dialect === "postgres") {
    const pool = new pg.Pool({ connectionString: vars.DATABASE_URL, max: 10 });
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect };
  }
  const path = resolve(vars.MMP_SQLITE_PATH ?? DEFAULT_SQLITE_PATH);
  mkdirSync(dirname(path), { recursive: true });
  return sqliteDb(openSqliteFile(path));
}

/** The app's handle on an open SQLite file (tests pass one they watch). */
export function sqliteDb(file: SqliteFile): Db {
  // WAL lets readers (audit page, verifier) run while a reset appends; the busy timeout makes a
  // second process wait for a write lock instead of failing.
  file.exec("PRAGMA journal_mode = WAL");
  file.exec("PRAGMA busy_timeout = 5000");
  // A committed audit row must survive a power cut (it is written before the reset is sent):
  // FULL, said here because the drivers differ (better-sqlite3 is built to drop to NORMAL when it
  // reopens a WAL file, every restart; node:sqlite keeps SQLite's FULL). Bookkeeping a crash
  // reconciler can rebuild may skip the fsync: lib/db/durability.ts.
  const database = withDeferrableFsync(file);
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
    dialect: "sqlite",
  };
}

const state = singleton<{ ready: Promise<Db> | null }>("db", () => ({ ready: null }));

/** The process's database, migrated to the latest schema. */
export function getDb(): Promise<Db> {
  state.ready ??= (async () => {
    const handle = openDb();
    await migrateToLatest(handle.db, handle.dialect);
    return handle;
  })().catch((err: unknown) => {
    state.ready = null;
    throw err;
  });
  return state.ready;
}
