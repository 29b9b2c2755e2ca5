import "server-only";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "@/lib/config/load";
import { DEFAULT_SQLITE_PATH } from "@/lib/db/client";
import { dialectFor } from "@/lib/db/dialect";
import { env, parseAuditKeys, type AuditKeySpec } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// The keys that sign the audit chain. They come from MMP_AUDIT_KEYS (never from the database:
// someone who can write the database must not be able to recompute the chain). The last key
// signs new rows; the earlier ones are kept so rows they signed still verify (rotation, README
// "Audit trail"). Demo mode without MMP_AUDIT_KEYS keeps a generated key in a file next to the
// database, so a restarted demo still verifies its own old rows; a key lying next to the data it
// protects proves nothing, and the audit page says so.

export interface AuditKeyRing {
  /** The key new rows are signed with. */
  signing: AuditKeySpec;
  /** Every key verification accepts, by id. */
  byId: ReadonlyMap<string, Buffer>;
  /** env: MMP_AUDIT_KEYS; demo-file: the demo key next to the database; ephemeral: a throwaway
   * key of a process that never ran start-up (tests, scripts). */
  source: "env" | "demo-file" | "ephemeral";
}

const state = singleton<{ ring: AuditKeyRing | null }>("audit-keys", () => ({ ring: null }));

function ringOf(keys: AuditKeySpec[], source: AuditKeyRing["source"]): AuditKeyRing | null {
  const signing = keys[keys.length - 1];
  if (!signing) return null;
  return { signing, byId: new Map(keys.map((k) => [k.id, k.secret])), source };
}

/** The demo key file: next to the SQLite file (./data/ with PostgreSQL). */
export function demoKeyPath(): string {
  const { DATABASE_URL, MMP_SQLITE_PATH } = env();
  const dir =
    dialectFor(DATABASE_URL) === "sqlite"
      ? dirname(resolve(MMP_SQLITE_PATH ?? DEFAULT_SQLITE_PATH))
      : resolve("./data");
  return join(dir, "audit-demo.key");
}

function readDemoKey(path: string): AuditKeyRing | null {
  try {
    const keys = parseAuditKeys(readFileSync(path, "utf8").trim());
    return keys ? ringOf(keys, "demo-file") : null;
  } catch {
    return null;
  }
}

function demoRing(): AuditKeyRing {
  const path = demoKeyPath();
  const existing = readDemoKey(path);
  if (existing) return existing;
  mkdirSync(dirname(path), { recursive: true });
  const line = `demo:${randomBytes(32).toString("base64")}\n`;
  try {
    // "wx": two demo processes starting at once must not overwrite each other's key.
    writeFileSync(path, line, { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const written = readDemoKey(path);
  if (!written) throw new ConfigError(`cannot read the demo audit key ${path}`);
  return written;
}

/** Start-up: the keys from MMP_AUDIT_KEYS; without them demo mode uses its key file and any other
 * mode stops with one line. */
export function initAuditKeys(demo: boolean): AuditKeyRing {
  const configured = env().MMP_AUDIT_KEYS;
  const ring = configured ? ringOf(configured, "env") : null;
  if (ring) return (state.ring = ring);
  if (!demo)
    throw new ConfigError(
      "MMP_AUDIT_KEYS must be set outside demo mode: it signs the audit trail and must not live in the database (e.g. MMP_AUDIT_KEYS=k1:$(openssl rand -base64 32))",
    );
  state.ring = demoRing();
  log.warn(
    { keyFile: demoKeyPath() },
    "demo mode: the audit trail is signed with a key kept next to the database; demo evidence is not evidence",
  );
  return state.ring;
}

/** The keys appends sign with: start-up's, else MMP_AUDIT_KEYS, else (a process that never ran
 * start-up and has no key: tests, scripts) a throwaway key whose rows no other process verifies. */
export function auditKeyRing(): AuditKeyRing {
  if (state.ring) return state.ring;
  const configured = env().MMP_AUDIT_KEYS;
  state.ring = configured ? ringOf(configured, "env") : null;
  if (!state.ring) {
    const secret = randomBytes(32);
    const signing = { id: "ephemeral", secret };
    state.ring = { signing, byId: new Map([[signing.id, secret]]), source: "ephemeral" };
    log.warn("no MMP_AUDIT_KEYS in a process that did not start the server: throwaway audit key");
  }
  return state.ring;
}

/** The keys an offline verifier (npm run verify-audit) has: MMP_AUDIT_KEYS, else an existing demo
 * key file, else none (then keyed rows cannot be checked). */
export function verificationKeys(): AuditKeyRing | null {
  const configured = env().MMP_AUDIT_KEYS;
  if (configured) return ringOf(configured, "env");
  return readDemoKey(demoKeyPath());
}
