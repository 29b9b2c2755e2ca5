import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import pg from "pg";
import { createPgDatabase, tempSqlitePath, type TempPg } from "./databases";
import { FIXTURE_AUDIT_KEYS } from "./fixtures";
import { waitFor } from "./wait";
import type { Db } from "@/lib/db/client";
import { openSqliteFile } from "@/lib/db/sqlite";
import type { AuditRecord } from "@/lib/model/audit";

// An attacker with write access to the database (not to the audit key, not to the anchor file):
// a fresh trail written by the app's own append code, raw SQL that goes around the append-only
// triggers the way such an attacker would (drop or disable them, change rows, put them back), and
// the verify-audit script as an operator runs it.

const run = promisify(execFile);

export interface Trail {
  handle: Db;
  /** The environment verify-audit needs to find this database, its key and its anchors. */
  env: Record<string, string>;
  /** Runs statements with the append-only triggers out of the way, then restores them. */
  attack: (statements: string[]) => Promise<void>;
  rows: () => Promise<AuditRecord[]>;
  close: () => Promise<void>;
}

/** Sets the key the in-process appends sign with; call before the first lib import. */
export function useFixtureAuditKey(anchorPath?: string): void {
  process.env.MMP_AUDIT_KEYS = FIXTURE_AUDIT_KEYS;
  if (anchorPath) process.env.MMP_AUDIT_ANCHOR_PATH = anchorPath;
}

const SQLITE_TRIGGERS = [
  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
  "CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END",
  "CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END",
];

/** Raw access to a database, around its triggers. */
export function attacker(
  target: { sqlitePath: string } | { databaseUrl: string },
): (statements: string[]) => Promise<void> {
  if ("sqlitePath" in target)
    return async (statements) => {
      const file = openSqliteFile(target.sqlitePath);
      file.exec(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_chain_no_update; DROP TRIGGER audit_chain_no_delete;",
      );
      for (const s of [...statements, ...SQLITE_TRIGGERS]) file.exec(s);
      file.close();
    };
  return async (statements) => {
    const c = new pg.Client({ connectionString: target.databaseUrl });
    await c.connect();
    await c.query("ALTER TABLE audit_log DISABLE TRIGGER USER");
    await c.query("ALTER TABLE audit_chain DISABLE TRIGGER USER");
    for (const s of statements) await c.query(s);
    await c.query("ALTER TABLE audit_log ENABLE TRIGGER USER");
    await c.query("ALTER TABLE audit_chain ENABLE TRIGGER USER");
    await c.end();
  };
}

/** A fresh database with `count` rows appended one by one (each anchored): reset attempts as
 * `requested` + `ok` pairs. */
export async function freshTrail(dialect: "sqlite" | "postgres", count = 20): Promise<Trail> {
  const { openDb } = await import("@/lib/db/client");
  const { migrateToLatest } = await import("@/lib/db/migrate");
  const { appendAudit } = await import("@/lib/audit/append");
  let pgdb: TempPg | null = null;
  let env: Record<string, string>;
  let handle: Db;
  let attack: Trail["attack"];
  if (dialect === "postgres") {
    pgdb = await createPgDatabase();
    handle = openDb({ DATABASE_URL: pgdb.url, MMP_SQLITE_PATH: undefined });
    env = { DATABASE_URL: pgdb.url };
    attack = attacker({ databaseUrl: pgdb.url });
  } else {
    const path = tempSqlitePath();
    handle = openDb({ DATABASE_URL: undefined, MMP_SQLITE_PATH: path });
    env = { DATABASE_URL: "", MMP_SQLITE_PATH: path };
    attack = attacker({ sqlitePath: path });
  }
  await migrateToLatest(handle.db, handle.dialect);
  for (let i = 0; i < count; i += 1) {
    const attempt = Math.floor(i / 2);
    await appendAudit(
      {
        actor: `trader${(attempt % 3) + 1}`,
        role: "trader",
        action: "mmp.reset",
        outcome: i % 2 === 0 ? "requested" : "ok",
        venue: "binance",
        accountId: "bn-main",
        scope: "BTCUSDT",
        idempotencyKey: `tamper-${attempt}`,
      },
      handle,
    );
  }
  return {
    handle,
    env: {
      MMP_AUDIT_KEYS: FIXTURE_AUDIT_KEYS,
      ...(process.env.MMP_AUDIT_ANCHOR_PATH
        ? { MMP_AUDIT_ANCHOR_PATH: process.env.MMP_AUDIT_ANCHOR_PATH }
        : {}),
      ...env,
    },
    attack,
    rows: () =>
      handle.db.selectFrom("audit_log").selectAll().orderBy("seq").execute() as Promise<
        AuditRecord[]
      >,
    close: async () => {
      await handle.db.destroy();
      if (pgdb) {
        // The pool's end() resolves before its sockets have closed; dropping the database (WITH
        // FORCE) under a closing connection makes that client throw an uncaught error.
        await noSessionsLeft(pgdb.url);
        await pgdb.drop();
      }
    },
  };
}

/** Waits until no connection to the database is left (before dropping it). */
export async function noSessionsLeft(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = url.pathname.slice(1);
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await waitFor(async () => {
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1",
        [database],
      );
      return rows[0]?.n === 0;
    });
  } finally {
    await admin.end();
  }
}

/** `npm run verify-audit` against the trail, as an operator runs it. */
export async function verifyScript(
  env: Record<string, string>,
): Promise<{ code: number; out: string }> {
  return run(
    process.execPath,
    ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/verify-audit.ts"],
    { env: { ...process.env, ...env } },
  ).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      out: `${e.stdout}${e.stderr}`,
    }),
  );
}

const sqlText = (v: string | number | null) =>
  v === null ? "NULL" : typeof v === "number" ? String(v) : `'${v.replace(/'/g, "''")}'`;

/** The old, unkeyed hash (SHA-256 over prev_hash and the sorted columns): what an attacker who
 * reads the code but has no key can recompute. */
function plainSha256(
  prev: string,
  row: Omit<AuditRecord, "hash" | "prev_hash">,
  withKeyId: boolean,
) {
  const body: Record<string, unknown> = { ...row };
  if (!withKeyId) delete body.key_id;
  const keys = Object.keys(body).sort();
  const canonical = JSON.stringify(keys.map((k) => [k, body[k] ?? null]));
  return createHash("sha256").update(`${prev}\n${canonical}`, "utf8").digest("hex");
}

/** UPDATE statements that rewrite every row with a recomputed plain chain, after `change`. */
export function plainRewrite(
  rows: AuditRecord[],
  change: (row: AuditRecord) => AuditRecord,
  { dropKeyId }: { dropKeyId: boolean },
): string[] {
  let prev = "0".repeat(64);
  return rows.map((original) => {
    const { hash: _h, prev_hash: _p, ...body } = change(original);
    void _h;
    void _p;
    if (dropKeyId) body.key_id = null;
    const hash = plainSha256(prev, body, !dropKeyId);
    const sets = [
      `outcome = ${sqlText(body.outcome)}`,
      `key_id = ${sqlText(body.key_id)}`,
      `prev_hash = ${sqlText(prev)}`,
      `hash = ${sqlText(hash)}`,
    ];
    prev = hash;
    return `UPDATE audit_log SET ${sets.join(", ")} WHERE seq = ${original.seq}`;
  });
}
