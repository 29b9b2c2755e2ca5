import { z } from "zod";
import { AUDIT_OUTCOMES } from "@/lib/model/audit-outcomes";

// Filters of the audit page and the export, shared by both. Everything optional; empty = all.
const text = z
  .string()
  .trim()
  .max(64)
  .optional()
  .transform((v) => (v ? v : undefined));
const time = z.iso
  .datetime({ offset: true, local: true })
  .optional()
  .or(z.literal("").transform(() => undefined));

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
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;
