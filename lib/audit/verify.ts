import "server-only";
import type { Kysely } from "kysely";
import { anchorPathFor } from "@/lib/audit/anchor";
import { emptyScan, scanAnchors, type AnchorScan } from "@/lib/audit/anchor-check";
import { bodyOf, GENESIS, keyedHash, plainHash } from "@/lib/audit/chain";
import { readIdentity, sealOf, type ChainIdentity } from "@/lib/audit/identity";
import { auditKeyRing, type AuditKeyRing } from "@/lib/audit/keys";
import type { Db } from "@/lib/db/client";
import type { AuditLogTable, Database } from "@/lib/db/schema";
import type { ChainVerdict, UnansweredRequest } from "@/lib/model/audit";
import { env } from "@/lib/platform/env";

// Verifies the chain and names the first row that does not fit:
// - in the rows: a sequence gap (a deleted or inserted row), a prev_hash that is not the previous
//   row's hash (reordered), a hash that is not the row's HMAC (edited, or rehashed without the
//   key), a plain row after the chain became keyed;
// - against the anchors outside the database: an anchored row that is gone (deleted from the end)
//   or has another hash (rewritten, or its sequence number reused after a deletion).
// A pass reads the rows from where it stopped (the checkpoint: the last verified seq and hash),
// in chunks, calling pause() between them, so the same code serves the CLI's full check and the
// server's incremental background check (lib/audit/background.ts).

export class CannotVerify extends Error {
  override name = "CannotVerify";
}

type Failure = { seq: number; reason: string };

/** Result rows that end a `requested` attempt. */
const RESULTS: ReadonlySet<string> = new Set(["ok", "rejected", "unknown", "resolved"]);

interface RowRules {
  keys: ReadonlyMap<string, Buffer> | null;
  identity: ChainIdentity | null;
}

/** Feeds rows in seq order; stops at the first that does not fit. */
export function createVerifier(rules: RowRules) {
  let prev = GENESIS;
  let count = 0;
  let head: ChainVerdict["head"] = null;
  let failure: Failure | null = null;
  // `requested` rows not yet followed by a result, by idempotency key (else by who and what).
  const open = new Map<string, UnansweredRequest>();

  function problem(row: AuditLogTable): string | null {
    const expectedSeq = (head?.seq ?? 0) + 1;
    if (row.seq !== expectedSeq) return `sequence gap: expected ${expectedSeq}, found ${row.seq}`;
    if (row.prev_hash !== prev) return "prev_hash does not match the previous row's hash";
    const body = bodyOf(row);
    const { identity, keys } = rules;
    if (body.key_id === null) {
      if (identity && row.seq > identity.legacyThrough)
        return `row is not keyed (plain SHA-256), but every row after #${identity.legacyThrough} must be: rehashed or inserted without the key`;
      return plainHash(prev, body) === row.hash
        ? null
        : "row content does not match its hash (edited)";
    }
    if (!identity) return "keyed row, but the chain identity (audit_chain) is missing: deleted";
    if (!keys)
      throw new CannotVerify(
        `row #${row.seq} is keyed ("${body.key_id}"): set MMP_AUDIT_KEYS to verify keyed rows`,
      );
    const secret = keys.get(body.key_id);
    if (!secret)
      return `signed with key id "${body.key_id}", which MMP_AUDIT_KEYS does not hold (altered, or an old key was dropped)`;
    return keyedHash(secret, identity.chainId, prev, body) === row.hash
      ? null
      : "row content does not match its hash (edited, or rehashed without the key)";
  }

  function track(row: AuditLogTable): void {
    const key = row.idempotency_key ?? `${row.actor}|${row.account_id}|${row.scope}`;
    if (row.outcome === "requested")
      open.set(key, {
        seq: row.seq,
        at: row.at,
        actor: row.actor,
        accountId: row.account_id,
        scope: row.scope,
        idempotencyKey: row.idempotency_key,
      });
    else if (RESULTS.has(row.outcome)) open.delete(key);
  }

  return {
    /** Feeds the next row in seq order; returns false once the chain is broken. */
    push(row: AuditLogTable): boolean {
      if (failure) return false;
      const reason = problem(row);
      if (reason) {
        failure = { seq: row.seq, reason };
        return false;
      }
      count += 1;
      prev = row.hash;
      head = { seq: row.seq, hash: row.hash };
      track(row);
      return true;
    },
    get head() {
      return head;
    },
    get failure() {
      return failure;
    },
    get rows() {
      return count;
    },
    /** Requests older than `before` (ISO time) without a result, oldest first. */
    unanswered(before: string): UnansweredRequest[] {
      return [...open.values()].filter((r) => r.at < before).sort((a, b) => a.seq - b.seq);
    },
  };
}

export type Verifier = ReturnType<typeof createVerifier>;

export interface PassOptions {
  /** The keys to check HMACs with; default: this process's. null: none (keyed rows → CannotVerify). */
  keys?: AuditKeyRing | null;
  /** The anchor file; default: the handle's (lib/audit/anchor.ts); null: no anchors. */
  anchorPath?: string | null;
  /** Rows per read. */
  chunk?: number;
  /** Called between chunks: the background verifier yields to the event loop here. */
  pause?: () => Promise<void>;
}

/** One verification of one database: from row 1 when opened, then onwards from its checkpoint. */
export class ChainPass {
  readonly verifier: Verifier;
  scan: AnchorScan = emptyScan();
  private sealProblem: Failure | null = null;

  private constructor(
    readonly db: Kysely<Database>,
    readonly identity: ChainIdentity | null,
    readonly keys: AuditKeyRing | null,
    readonly anchorPath: string | null,
    private readonly chunk: number,
    private readonly pause: () => Promise<void>,
  ) {
    this.verifier = createVerifier({ keys: keys?.byId ?? null, identity });
    if (identity && keys) {
      const secret = keys.byId.get(identity.keyId);
      if (!secret)
        this.sealProblem = {
          seq: 1,
          reason: `the chain identity is sealed with key id "${identity.keyId}", which MMP_AUDIT_KEYS does not hold`,
        };
      else if (sealOf(secret, identity) !== identity.seal)
        this.sealProblem = {
          seq: 1,
          reason: "the chain identity (audit_chain) does not match its seal: altered",
        };
    }
  }

  static async open(handle: Db, options: PassOptions = {}): Promise<ChainPass> {
    const keys = options.keys === undefined ? auditKeyRing() : options.keys;
    const identity = await readIdentity(handle.db);
    if (identity && !keys)
      throw new CannotVerify("the chain is keyed: set MMP_AUDIT_KEYS to verify it");
    const anchorPath =
      options.anchorPath === undefined ? await anchorPathFor(handle) : options.anchorPath;
    return new ChainPass(
      handle.db,
      identity,
      keys,
      anchorPath,
      options.chunk ?? 1000,
      options.pause ?? (async () => {}),
    );
  }

  /** Verifies the rows after the checkpoint, chunk by chunk; returns how many it read. */
  async readRows(): Promise<number> {
    let read = 0;
    while (!this.verifier.failure) {
      const page = await this.db
        .selectFrom("audit_log")
        .selectAll()
        .where("seq", ">", this.verifier.head?.seq ?? 0)
        .orderBy("seq")
        .limit(this.chunk)
        .execute();
      for (const row of page) {
        read += 1;
        if (!this.verifier.push(row)) break;
      }
      if (page.length < this.chunk) break;
      await this.pause();
    }
    return read;
  }

  /** Checks the anchors written since the last look. */
  async readAnchors(): Promise<void> {
    if (!this.anchorPath) return;
    this.scan = await scanAnchors(
      this.db,
      this.anchorPath,
      this.identity?.chainId ?? null,
      this.scan,
      this.pause,
    );
  }

  /** The verdict from what has been read, against the database's current head. */
  async verdict(now: Date, unansweredAfterMs: number): Promise<ChainVerdict> {
    const last = await this.db
      .selectFrom("audit_log")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .executeTakeFirst();
    const dbHead = Number(last?.seq ?? 0);
    const v = this.verifier;
    const firstBad = [
      this.sealProblem,
      this.identityProblem(dbHead),
      v.failure,
      ...this.anchorProblems(dbHead),
    ]
      .filter((f): f is Failure => f !== null)
      .reduce<Failure | null>((low, f) => (low && low.seq <= f.seq ? low : f), null);
    const unanswered = v.unanswered(new Date(now.getTime() - unansweredAfterMs).toISOString());
    return {
      ok: firstBad === null,
      rows: v.rows,
      head: v.head,
      firstBad,
      checkedAt: now.toISOString(),
      anchoredSeq: this.scan.maxSeq,
      unanswered: unanswered.slice(0, 20),
      unansweredCount: unanswered.length,
      notes: this.notes(),
    };
  }

  private identityProblem(dbHead: number): Failure | null {
    if (this.identity || this.scan.foreign === 0 || dbHead === 0) return null;
    return {
      seq: 1,
      reason:
        "the database has no chain identity (audit_chain), yet the anchor file records a chain: the trail was replaced or wiped",
    };
  }

  private anchorProblems(dbHead: number): Failure[] {
    const { mismatch, maxSeq, maxAt } = this.scan;
    const out: Failure[] = [];
    // The head was anchored higher than it now is (rows that were read and checked earlier count
    // too: a background pass checks each anchor once).
    if (maxSeq > dbHead)
      out.push({
        seq: dbHead + 1,
        reason: `rows #${dbHead + 1}–#${maxSeq} are missing: deleted from the end (#${maxSeq} was anchored at ${maxAt})`,
      });
    // An anchored row missing below the head needs no anchor: it leaves a sequence gap.
    if (mismatch) {
      const head = this.verifier.head?.seq ?? 0;
      const chainHolds = head >= mismatch.seq;
      out.push({
        seq: mismatch.seq,
        reason: chainHolds
          ? `not the row anchored at ${mismatch.at}: its sequence number was reused after rows were deleted`
          : `row differs from the one anchored at ${mismatch.at} (rewritten, or its sequence number reused after a deletion)`,
      });
    }
    return out;
  }

  private notes(): string[] {
    const notes: string[] = [];
    const legacy = this.identity?.legacyThrough ?? 0;
    if (legacy > 0)
      notes.push(
        `Rows #1–#${legacy} predate keyed hashes (plain SHA-256): only the database's access control protects them.`,
      );
    if (!this.identity && this.verifier.rows > 0)
      notes.push(
        "This trail is not keyed yet (plain SHA-256); the server keys it at its next start.",
      );
    if (this.keys?.source === "demo-file")
      notes.push(
        "Demo mode: the trail is signed with a key kept next to the database, so it is not evidence.",
      );
    if (this.keys?.source === "ephemeral")
      notes.push("Signed with a throwaway key of this process: no other process can verify it.");
    if (this.anchorPath && this.scan.checked === 0 && this.verifier.rows > 0)
      notes.push(
        "No anchors of this chain were found: deleting the newest rows would go unnoticed.",
      );
    if (this.scan.unreadable > 0)
      notes.push(`${this.scan.unreadable} line(s) of the anchor file are not anchors.`);
    return notes;
  }
}

/** Reset requests count as unanswered this long after they were written. */
export function unansweredAfterMs(): number {
  return env().MMP_RESET_TIMEOUT_MS + 2000;
}

/** Verifies the whole chain from row 1 against its anchors (the CLI, tests). */
export async function verifyChain(handle: Db, options: PassOptions = {}): Promise<ChainVerdict> {
  const pass = await ChainPass.open(handle, options);
  await pass.readRows();
  await pass.readAnchors();
  return pass.verdict(new Date(), unansweredAfterMs());
}
