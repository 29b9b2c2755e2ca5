import "server-only";
import { open } from "node:fs/promises";
import type { Kysely } from "kysely";
import type { Anchor } from "@/lib/audit/anchor";
import type { Database } from "@/lib/db/schema";

// Checks the anchor file (lib/audit/anchor.ts) against the database: every anchor of this chain
// must still find its row, with the same hash. The file is read from a byte offset, so the
// background verifier only reads what was appended since its last look; each batch of anchors is
// one indexed lookup, and the caller's pause() yields to the event loop between batches.

export interface AnchorScan {
  /** Bytes of the file consumed (whole lines only). */
  offset: number;
  /** Anchors of this chain checked so far. */
  checked: number;
  maxSeq: number;
  maxAt: string | null;
  /** Anchors of other chains (another database sharing the file). */
  foreign: number;
  /** Lines that are not anchors (e.g. a write cut short by a crash). */
  unreadable: number;
  /** The lowest anchored seq whose row now has another hash. (A row that is gone needs no
   * record here: below the head it leaves a gap, above it maxSeq shows the truncation.) */
  mismatch: { seq: number; at: string } | null;
}

export function emptyScan(): AnchorScan {
  return {
    offset: 0,
    checked: 0,
    maxSeq: 0,
    maxAt: null,
    foreign: 0,
    unreadable: 0,
    mismatch: null,
  };
}

const BLOCK = 1 << 20;
const BATCH = 500;

function parse(line: string): Anchor | null {
  try {
    const a = JSON.parse(line) as Partial<Anchor>;
    if (typeof a.chain !== "string" || typeof a.seq !== "number" || typeof a.hash !== "string")
      return null;
    return { chain: a.chain, seq: a.seq, hash: a.hash, key: a.key ?? null, at: String(a.at) };
  } catch {
    return null;
  }
}

const lower = <T extends { seq: number }>(a: T | null, b: T): T => (a && a.seq <= b.seq ? a : b);

async function checkBatch(db: Kysely<Database>, batch: Anchor[], scan: AnchorScan) {
  const seqs = [...new Set(batch.map((a) => a.seq))];
  const rows = await db
    .selectFrom("audit_log")
    .select(["seq", "hash"])
    .where("seq", "in", seqs)
    .execute();
  const hashes = new Map(rows.map((r) => [Number(r.seq), r.hash]));
  for (const a of batch) {
    scan.checked += 1;
    if (a.seq > scan.maxSeq) {
      scan.maxSeq = a.seq;
      scan.maxAt = a.at;
    }
    const hash = hashes.get(a.seq);
    if (hash !== undefined && hash !== a.hash)
      scan.mismatch = lower(scan.mismatch, { seq: a.seq, at: a.at });
  }
}

/** Continues `from` with the lines appended since; returns the new scan (from is not changed). */
export async function scanAnchors(
  db: Kysely<Database>,
  path: string,
  chainId: string | null,
  from: AnchorScan,
  pause: () => Promise<void> = async () => {},
): Promise<AnchorScan> {
  const scan = { ...from };
  const fh = await open(path, "r").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
  if (!fh) return scan;
  try {
    const block = Buffer.alloc(BLOCK);
    // Bytes after the last newline read so far: an anchor still being written, left for later.
    let pending = Buffer.alloc(0);
    let batch: Anchor[] = [];
    for (;;) {
      const { bytesRead } = await fh.read(block, 0, BLOCK, scan.offset + pending.length);
      if (bytesRead === 0) break;
      const data = Buffer.concat([pending, block.subarray(0, bytesRead)]);
      const end = data.lastIndexOf(0x0a) + 1;
      pending = Buffer.from(data.subarray(end));
      scan.offset += end;
      for (const line of data.subarray(0, end).toString("utf8").split("\n")) {
        if (line.trim() === "") continue;
        const anchor = parse(line);
        if (!anchor) scan.unreadable += 1;
        else if (anchor.chain !== chainId) scan.foreign += 1;
        else batch.push(anchor);
        if (batch.length >= BATCH) {
          await checkBatch(db, batch, scan);
          batch = [];
          await pause();
        }
      }
    }
    if (batch.length > 0) await checkBatch(db, batch, scan);
  } finally {
    await fh.close();
  }
  return scan;
}
