import "server-only";
import { getDb } from "@/lib/db/client";
import type { AuditLogTable } from "@/lib/db/schema";
import type { AuditView } from "@/lib/model/audit";
import type { AuditFilter } from "@/lib/model/audit-query";

/** A time without an offset (from a datetime-local field) is read as UTC, as the page says. */
function utcIso(value: string): string {
  return new Date(/(z|[+-]\d\d:?\d\d)$/i.test(value) ? value : `${value}Z`).toISOString();
}

/** Audit rows matching the filter, newest first. Times compare as ISO-8601 UTC text. */
export async function listAudit(filter: AuditFilter): Promise<AuditLogTable[]> {
  const { db } = await getDb();
  let q = db.selectFrom("audit_log").selectAll();
  if (filter.actor) q = q.where("actor", "=", filter.actor);
  if (filter.account) q = q.where("account_id", "=", filter.account);
  if (filter.scope) q = q.where("scope", "=", filter.scope);
  if (filter.outcome) q = q.where("outcome", "=", filter.outcome);
  if (filter.from) q = q.where("at", ">=", utcIso(filter.from));
  if (filter.to) q = q.where("at", "<=", utcIso(filter.to));
  if (filter.before) q = q.where("seq", "<", filter.before);
  return q.orderBy("seq", "desc").limit(filter.limit).execute();
}

/** The rows with, on each `ok` row whose answer recorded no state after, what the post-reset
 * read of the same attempt found (its `observed` row), looked up by idempotency key. */
export async function withReadsAfter(rows: AuditLogTable[]): Promise<AuditView[]> {
  const keys = rows
    .filter((r) => r.outcome === "ok" && r.state_after === null && r.idempotency_key !== null)
    .map((r) => r.idempotency_key as string);
  const found = new Map<string, { seq: number; state: string | null }>();
  if (keys.length > 0) {
    const { db } = await getDb();
    const reads = await db
      .selectFrom("audit_log")
      .select(["seq", "idempotency_key", "state_after"])
      .where("idempotency_key", "in", keys)
      .where("outcome", "=", "observed")
      .orderBy("seq")
      .execute();
    for (const r of reads)
      if (r.idempotency_key !== null && !found.has(r.idempotency_key))
        found.set(r.idempotency_key, { seq: r.seq, state: r.state_after });
  }
  return rows.map((r) => ({
    ...r,
    read_after:
      r.outcome === "ok" && r.idempotency_key !== null
        ? (found.get(r.idempotency_key) ?? null)
        : null,
  }));
}

const COLUMNS: (keyof AuditLogTable)[] = [
  "seq",
  "at",
  "actor",
  "role",
  "action",
  "outcome",
  "venue",
  "account_id",
  "scope",
  "state_before",
  "state_after",
  "idempotency_key",
  "client_ip",
  "user_agent",
  "venue_code",
  "venue_message",
  "latency_ms",
  "detail",
  "key_id",
  "prev_hash",
  "hash",
];

// Cells that a spreadsheet would run as a formula get a leading quote (CSV injection).
function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: AuditLogTable[]): string {
  const lines = [COLUMNS.join(",")];
  for (const row of rows) lines.push(COLUMNS.map((c) => cell(row[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
