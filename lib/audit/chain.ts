import { createHash } from "node:crypto";
import type { AuditLogTable } from "@/lib/db/schema";

// The hash chain. hash(row) = SHA-256(prev_hash + "\n" + canonical(row)), where canonical(row) is
// the JSON of every column except hash and prev_hash, keys sorted. The first row's prev_hash is
// GENESIS. Changing, inserting or reordering any row breaks every hash from it on.

export const GENESIS = "0".repeat(64);

export type AuditRowBody = Omit<AuditLogTable, "hash" | "prev_hash">;

export function canonical(row: AuditRowBody): string {
  const keys = Object.keys(row).sort() as (keyof AuditRowBody)[];
  return JSON.stringify(keys.map((k) => [k, row[k] ?? null]));
}

export function chainHash(prevHash: string, row: AuditRowBody): string {
  return createHash("sha256")
    .update(`${prevHash}\n${canonical(row)}`, "utf8")
    .digest("hex");
}

export function bodyOf(row: AuditLogTable): AuditRowBody {
  const { hash: _hash, prev_hash: _prev, ...body } = row;
  void _hash;
  void _prev;
  return body;
}
