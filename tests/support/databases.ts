import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

// Throwaway databases for tests: a SQLite file in a temp dir, or a fresh PostgreSQL database on
// the local cluster (scripts/ensure-system.sh starts it and creates the mmp_test role).

const PG_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? "postgres://mmp_test:mmp_test@127.0.0.1:5432/postgres";

export function tempSqlitePath(): string {
  return join(mkdtempSync(join(tmpdir(), "mmp-db-")), "mmp.sqlite");
}

export interface TempPg {
  url: string;
  drop: () => Promise<void>;
}

export async function createPgDatabase(): Promise<TempPg> {
  const name = `mmp_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
