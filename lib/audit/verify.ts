import { bodyOf, chainHash, GENESIS } from "@/lib/audit/chain";
import type { AuditLogTable } from "@/lib/db/schema";
import type { Kysely } from "kysely";
import type { Database } from "@/lib/db/schema";
import type { ChainVerdict } from "@/lib/model/audit";

// Recomputes the chain from the first row and names the first row that does not fit: a changed
// field (hash mismatch), a removed or inserted row (seq gap or prev_hash mismatch).

export function createVerifier() {
  let prev = GENESIS;
  let count = 0;
  let head: ChainVerdict["head"] = null;
  let failure: ChainVerdict["firstBad"] = null;
  return {
    /** Feeds the next row in seq order; returns false once the chain is broken. */
    push(row: AuditLogTable): boolean {
      if (failure) return false;
      count += 1;
      const expectedSeq = (head?.seq ?? 0) + 1;
      if (row.seq !== expectedSeq)
        failure = {
          seq: row.seq,
          reason: `sequence gap: expected ${expectedSeq}, found ${row.seq}`,
        };
      else if (row.prev_hash !== prev)
        failure = { seq: row.seq, reason: "prev_hash does not match the previous row's hash" };
      else if (chainHash(prev, bodyOf(row)) !== row.hash)
        failure = { seq: row.seq, reason: "row content does not match its hash (edited)" };
      if (failure) return false;
      prev = row.hash;
      head = { seq: row.seq, hash: row.hash };
      return true;
    },
    result(): ChainVerdict {
      return { ok: failure === null, rows: count, head, firstBad: failure };
    },
  };
}

export function verifyRows(rows: Iterable<AuditLogTable>): ChainVerdict {
  const verifier = createVerifier();
  for (const row of rows) if (!verifier.push(row)) break;
  return verifier.result();
}

const PAGE = 5000;

/** Reads the table in pages so a long trail is verified in bounded memory. */
export async function verifyChain(db: Kysely<Database>): Promise<ChainVerdict> {
  const verifier = createVerifier();
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("seq", ">", after)
      .orderBy("seq")
      .limit(PAGE)
      .execute();
    for (const row of page) if (!verifier.push(row)) return verifier.result();
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) return verifier.result();
    after = last.seq;
  }
}
