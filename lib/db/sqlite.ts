import "server-only";
import SQLite from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";
import { fsyncDeferred } from "@/lib/db/durability";

// Opens a SQLite file with the driver that is safe on the running Node.js:
// - Node 24 and later: Node's own `node:sqlite`. Node 24 compiles an environment cleanup hook into
//   every `node::ObjectWrap`, and better-sqlite3 12 (the last line that runs on Node 20) is built on
//   ObjectWrap: when the garbage collector frees one of its statements outside a JavaScript
//   context, the process aborts ("Assertion failed: (env) != nullptr" in
//   RemoveEnvironmentCleanupHook). Seen in most runs of the 100-concurrent-resets test.
// - Node 20 and 22: better-sqlite3 (node:sqlite is missing on 20 and experimental, with a
//   warning, on 22; better-sqlite3's ObjectWrap has no such hook there).

/** What the app needs of a SQLite handle: Kysely's driver interface plus plain `exec`. */
export interface SqliteFile extends SqliteDatabase {
  /** Runs statements that return nothing the caller needs (pragmas, test edits). */
  exec(sql: string): void;
}

// The part of `node:sqlite` used here (@types/node follows Node 20, which has no node:sqlite).
interface BuiltinStatement {
  columns(): unknown[];
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
}
interface BuiltinDatabase {
  exec(sql: string): void;
  prepare(sql: string): BuiltinStatement;
  close(): void;
}
interface BuiltinSqlite {
  DatabaseSync: new (path: string) => BuiltinDatabase;
}

const NODE_MAJOR = Number(process.versions.node.split(".")[0]);

/** The SQLite driver this process uses: "node:sqlite" or "better-sqlite3". */
export const sqliteDriver = NODE_MAJOR >= 24 ? "node:sqlite" : "better-sqlite3";

export function openSqliteFile(path: string): SqliteFile {
  if (sqliteDriver === "better-sqlite3") return new SQLite(path);
  // getBuiltinModule keeps the bundler from resolving node:sqlite, which Node 20 does not have.
  const builtin = process.getBuiltinModule("node:sqlite") as BuiltinSqlite | undefined;
  if (!builtin) throw new Error(`node:sqlite is missing in Node ${process.version}`);
  return fromBuiltin(new builtin.DatabaseSync(path));
}

// Kysely passes parameters as one array (better-sqlite3 style); node:sqlite takes them spread.
function fromBuiltin(db: BuiltinDatabase): SqliteFile {
  return {
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    prepare(sql): SqliteStatement {
      const stmt = db.prepare(sql);
      return {
        // A statement that yields columns returns rows (SELECT, or a write with RETURNING).
        reader: stmt.columns().length > 0,
        all: (params) => stmt.all(...params),
        run: (params) => stmt.run(...params),
        iterate: (params) => stmt.iterate(...params),
      };
    },
  };
}

/** The file with FULL commits, except a statement run inside deferFsync(): it runs with NORMAL
 * and the file is back to FULL before anything else can run on it (both synchronous, on the one
 * connection Kysely serialises; lib/db/durability.ts says when that is safe). */
export function withDeferrableFsync(file: SqliteFile): SqliteFile {
  file.exec("PRAGMA synchronous = FULL");
  const maybeDeferred = <T>(run: () => T): T => {
    if (!fsyncDeferred()) return run();
    file.exec("PRAGMA synchronous = NORMAL");
    try {
      return run();
    } finally {
      file.exec("PRAGMA synchronous = FULL");
    }
  };
  return {
    exec: (sql) => file.exec(sql),
    close: () => file.close(),
    prepare(sql): SqliteStatement {
      const stmt = file.prepare(sql);
      return {
        reader: stmt.reader,
        all: (params) => maybeDeferred(() => stmt.all(params)),
        run: (params) => maybeDeferred(() => stmt.run(params)),
        iterate: (params) => stmt.iterate(params),
      };
    },
  };
}
