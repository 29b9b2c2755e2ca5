import { z } from "zod";
import { AUDIT_OUTCOMES } from "@/lib/model/audit-outcomes";

// Filters of the audit page and the export, shared by both. Everything optional; empty = all.
const text = z
  .string()
  .trim()
  .max(64)
  .optional()
  .transform((v) => (v ? v : undefined));
// "2026-11-30 14:05:00" as typed in the page's 24-hour UTC fields, or ISO 8601 with the "T".
const time = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().replace(/^(\d{4}-\d\d-\d\d) (?=\d)/, "$1T") : v),
  z.iso
    .datetime({ offset: true, local: true })
    .optional()
    .or(z.literal("").transform(() => undefined)),
);

export const auditFilterSchema = z.object({
  actor: text,
  account: text,
  scope: text,
  outcome: z
    .enum(AUDIT_OUTCOMES)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  from: time,
  to: time,
  /** Rows older than this sequence number (the page's "Older rows" link): a cursor, so paging
   * through a million rows reads one page of the index each time, never an offset. */
  before: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** A page of the audit page and of /api/audit; the CSV export asks for more (auditExportLimit). */
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

/** How many rows the CSV export holds when its link does not say. */
export const AUDIT_EXPORT_LIMIT = 10_000;

export type AuditFilter = z.infer<typeof auditFilterSchema>;
