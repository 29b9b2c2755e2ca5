import "server-only";
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { sql } from "kysely";
import type { Db } from "@/lib/db/client";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { metrics } from "@/lib/platform/metrics";
import { singleton } from "@/lib/platform/singleton";

// The chain's head, written outside the database after every append: an append-only file, one
// JSON line per anchor ({"chain","seq","hash","key","at"}), fsync'd before the append returns
// (or, where the caller asks, right after: lib/audit/append.ts).
// A row once anchored can then not vanish or change unnoticed: the verifier checks each anchor
// against the database (lib/audit/anchor-check.ts), so deleting the newest rows, rewriting them,
// or re-using their sequence numbers for new rows is detected even though the chain alone would
// look intact. Appends that arrive while a write is in flight share the next write (group commit).

export interface Anchor {
  /** The chain id (audit_chain): one file can serve several databases. */
  chain: string;
  seq: number;
  hash: string;
  key: string | null;
  at: string;
}

/** MMP_AUDIT_ANCHOR_PATH, else audit-anchor.log next to the SQLite file (./data/ with PostgreSQL). */
export async function anchorPathFor({ db, dialect }: Db): Promise<string> {
  const configured = env().MMP_AUDIT_ANCHOR_PATH;
  if (configured) return resolve(configured);
  if (dialect === "sqlite") {
    const { rows } = await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(db);
    const main = rows.find((r) => r.name === "main")?.file;
    if (main) return join(dirname(main), "audit-anchor.log");
  }
  return resolve("./data/audit-anchor.log");
}

class AnchorFile {
  private file: Promise<FileHandle> | null = null;
  private readonly latest = new Map<string, Anchor>();
  private queued: Promise<void> | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Opens (creating) the file for appending; start-up calls it to fail early. */
  handle(): Promise<FileHandle> {
    this.file ??= mkdir(dirname(this.path), { recursive: true })
      .then(() => open(this.path, "a", 0o600))
      .catch((err: unknown) => {
        this.file = null;
        throw err;
      });
    return this.file;
  }

  /** Resolves once an anchor at or past `anchor.seq` of its chain is on disk. */
  offer(anchor: Anchor): Promise<void> {
    const current = this.latest.get(anchor.chain);
    if (!current || anchor.seq > current.seq) this.latest.set(anchor.chain, anchor);
    if (!this.queued) {
      const job = this.running.then(() => {
        this.queued = null;
        return this.write();
      });
      this.queued = job;
      this.running = job.catch(() => undefined);
    }
    return this.queued;
  }

  private async write(): Promise<void> {
    const batch = [...this.latest.values()];
    this.latest.clear();
    if (batch.length === 0) return;
    const fh = await this.handle();
    await fh.write(batch.map((a) => `${JSON.stringify(a)}\n`).join(""));
    await fh.datasync();
    if (env().MMP_AUDIT_ANCHOR_LOG === "on")
      for (const a of batch) log.info({ auditAnchor: a }, "audit chain head");
  }
}

const files = singleton("audit-anchor-files", () => new Map<string, AnchorFile>());

export function anchorFile(path: string): AnchorFile {
  let file = files.get(path);
  if (!file) {
    file = new AnchorFile(path);
    files.set(path, file);
  }
  return file;
}

/** Anchors the head after an append. The row is committed already, so a failure here cannot undo
 * it: it is logged and counted (mmp_audit_anchor_errors_total), and the caller goes on. */
export async function anchorHead(path: string, anchor: Anchor): Promise<void> {
  try {
    await anchorFile(path).offer(anchor);
  } catch (err) {
    metrics.auditAnchorErrors.inc();
    log.error({ err, path, seq: anchor.seq }, "could not anchor the audit chain head");
  }
}
