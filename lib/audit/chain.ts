import "server-only";
import { createHash, createHmac } from "node:crypto";
import type { AuditLogTable } from "@/lib/db/schema";

// The hash chain. Each row's hash covers the previous row's hash and the canonical JSON of every
// column except hash and prev_hash (keys sorted), so changing, inserting or reordering any row
// breaks every hash from it on. Since migration 0005 the hash is an HMAC-SHA256 keyed with a
// secret that is not in the database (MMP_AUDIT_KEYS), so someone with only database access cannot
// recompute a consistent chain; the row's key_id says which key. Rows written before that
// (key_id null, seq ≤ the chain identity's legacy_through) keep their plain SHA-256.

export const GENESIS = "0".repeat(64);

export type AuditRowBody = Omit<AuditLogTable, "hash" | "prev_hash">;

export function canonical(row: Partial<AuditRowBody>): string {
  const keys = Object.keys(row).sort() as (keyof AuditRowBody)[];
  return JSON.stringify(keys.map((k) => [k, row[k] ?? null]));
}

/** Legacy rows: SHA-256(prev_hash + "\n" + canonical(row)) over the columns they had (no key_id). */
export function plainHash(prevHash: string, row: AuditRowBody): string {
  const { key_id: _keyId, ...legacy } = row;
  void _keyId;
  return createHash("sha256")
    .update(`${prevHash}\n${canonical(legacy)}`, "utf8")
    .digest("hex");
}

/** Keyed rows: HMAC-SHA256 over a version tag, the chain id (so a row cannot be moved to another
 * chain), the previous hash and the canonical row (which includes key_id and seq). */
export function keyedHash(
  secret: Buffer,
  chainId: string,
  prevHash: string,
  row: AuditRowBody,
): string {
  return createHmac("sha256", secret)
    .update(`mmp-audit-v2\n${chainId}\n${prevHash}\n${canonical(row)}`, "utf8")
    .digest("hex");
}

export function bodyOf(row: AuditLogTable): AuditRowBody {
  const { hash: _hash, prev_hash: _prev, ...body } = row;
  void _hash;
  void _prev;
  // A database migrated before 0005 has no key_id column: read it as a legacy row.
  return { ...body, key_id: body.key_id ?? null };
}
