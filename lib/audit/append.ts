import "server-only";
import { sql, type Kysely } from "kysely";
import { anchorHead, anchorPathFor } from "@/lib/audit/anchor";
import { bodyOf, GENESIS, keyedHash, type AuditRowBody } from "@/lib/audit/chain";
import { ensureIdentity, type ChainIdentity } from "@/lib/audit/identity";
import { auditKeyRing, type AuditKeyRing } from "@/lib/audit/keys";
import { clean, json } from "@/lib/audit/sanitize";
import { getDb, type Db } from "@/lib/db/client";
import { awaitFsync } from "@/lib/db/durability";
import type { AuditLogTable, Database } from "@/lib/db/schema";
import { log } from "@/lib/platform/log";

// Invariants of the audit trail (after openstatus' audit table, plus a hash chain):
// - append-only: rows are never updated or deleted (database triggers refuse it);
// - no foreign keys: a row stands on its own, whatever happens to config or users;
// - one chain: appends are serialised (a process-wide queue, a PostgreSQL advisory lock, and the
//   primary key on seq as the last word), so two appends can never share a predecessor;
// - evidence: each hash is an HMAC with a key outside the database (lib/audit/chain.ts, keys.ts),
//   and the new head is anchored outside the database (lib/audit/anchor.ts) before the append
//   returns, so deleting or rewriting the newest rows is detected too. A caller with work to do
//   meanwhile may have the row back once it is committed and let the anchor follow (a reset's
//   `requested`, while the venue is called): the anchor file is written in order, so the next
//   append's anchor waits for it, and a crash before it lands leaves an unanchored newest row,
//   which the next anchor covers (one for a later seq vouches for the chain up to it);
// - a reset writes `requested` BEFORE the venue is called; if that write fails nothing is sent.

export { AUDIT_OUTCOMES, type AuditOutcome } from "@/lib/model/audit-outcomes";
import type { AuditOutcome } from "@/lib/model/audit-outcomes";

export interface AuditEntry {
  actor: string;
  role: string;
  action: string;
  outcome: AuditOutcome;
  venue?: string | null;
  accountId?: string | null;
  scope?: string | null;
  stateBefore?: unknown;
  stateAfter?: unknown;
  idempotencyKey?: string | null;
  clientIp?: string | null;
  userAgent?: string | null;
  venueCode?: string | null;
  venueMessage?: string | null;
  latencyMs?: number | null;
  detail?: string | null;
}

const CHAIN_LOCK_ID = 7_715_001;
let queue: Promise<unknown> = Promise.resolve();

function toBody(seq: number, e: AuditEntry, keyId: string): AuditRowBody {
  return {
    seq,
    at: new Date().toISOString(),
    actor: clean(e.actor, 64) ?? "",
    role: clean(e.role, 16) ?? "",
    action: clean(e.action, 32) ?? "",
    outcome: e.outcome,
    venue: clean(e.venue, 16),
    account_id: clean(e.accountId, 64),
    scope: clean(e.scope, 64),
    state_before: json(e.stateBefore),
    state_after: json(e.stateAfter),
    idempotency_key: clean(e.idempotencyKey, 64),
    client_ip: clean(e.clientIp, 64),
    user_agent: clean(e.userAgent, 200),
    venue_code: clean(e.venueCode, 32),
    venue_message: clean(e.venueMessage, 500),
    latency_ms: e.latencyMs ?? null,
    detail: clean(e.detail, 500),
    key_id: keyId,
  };
}

interface Signer {
  ring: AuditKeyRing;
  identity: ChainIdentity;
}

async function appendOnce(
  entry: AuditEntry,
  { db, dialect }: Db,
  { ring, identity }: Signer,
): Promise<AuditLogTable> {
  return db.transaction().execute(async (trx) => {
    if (dialect === "postgres")
      await sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK_ID})`.execute(trx);
    const last = await trx
      .selectFrom("audit_log")
      .select(["seq", "hash"])
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    const prev = last?.hash ?? GENESIS;
    const body = toBody((last?.seq ?? 0) + 1, entry, ring.signing.id);
    const row: AuditLogTable = {
      ...body,
      prev_hash: prev,
      hash: keyedHash(ring.signing.secret, identity.chainId, prev, body),
    };
    await trx.insertInto("audit_log").values(row).execute();
    return row;
  });
}

/** Attempts at one append when another writer got there first; the pauses add up to ~1 s. */
const APPEND_ATTEMPTS = 8;

const anchorPaths = new WeakMap<Kysely<Database>, Promise<string>>();

function anchorPathOf(handle: Db): Promise<string> {
  let path = anchorPaths.get(handle.db);
  if (!path) {
    path = anchorPathFor(handle);
    anchorPaths.set(handle.db, path);
  }
  return path;
}

export interface AppendOptions {
  /** "await" (the default): return once the new head is anchored too. "follow": return once the
   * row is committed; the anchor is written meanwhile (see above). */
  anchor?: "await" | "follow";
}

/** Appends one row to the chain (of the process's database, or of `handle`: tests pass their
 * own). Throws if it cannot be written: callers fail closed. */
export function appendAudit(
  entry: AuditEntry,
  handle?: Db,
  options: AppendOptions = {},
): Promise<AuditLogTable> {
  let target: Db | null = null;
  let chainId = "";
  // Every append waits for the disk, wherever it is called from (lib/db/durability.ts).
  const run = () => awaitFsync(append);
  const append = async () => {
    target = handle ?? (await getDb());
    const ring = auditKeyRing();
    const identity = await ensureIdentity(target.db, ring);
    chainId = identity.chainId;
    let lastError: unknown;
    // Another process may take the same seq between our read and insert (SQLite has no advisory
    // lock); the primary key refuses the second insert and we re-read the head and try again.
    // SQLite answers a transaction that read before another connection wrote with "locked" at
    // once (its busy timeout does not apply to that case): a short, growing pause lets the other
    // writer finish instead of spending every attempt inside its write (seen under CI load).
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt += 1) {
      try {
        return await appendOnce(entry, target, { ring, identity });
      } catch (err) {
        lastError = err;
        if (!/unique|duplicate|primary key|SQLITE_BUSY|locked/i.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 5 * 2 ** attempt * (0.5 + Math.random())));
      }
    }
    throw lastError;
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  // Anchored outside the queue: the next append proceeds while this head is being fsync'd, and
  // appends that pile up meanwhile share one anchor write.
  return next.then(async (row) => {
    const written = target;
    if (!written) return row;
    const anchored = anchorPathOf(written).then((path) =>
      anchorHead(path, {
        chain: chainId,
        seq: row.seq,
        hash: row.hash,
        key: row.key_id,
        at: new Date().toISOString(),
      }),
    );
    // anchorHead never rejects (a failure is logged and counted); anchorPathOf may, when the
    // SQLite file's path cannot be read: an append that awaits the anchor then fails as before.
    if (options.anchor === "follow")
      anchored.catch((err: unknown) => log.error({ err }, "could not anchor the audit chain head"));
    else await anchored;
    return row;
  });
}

export { bodyOf };
