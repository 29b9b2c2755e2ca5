import { describe, expect, it } from "vitest";
import { AUDIT_EXPORT_LIMIT, auditFilterSchema } from "@/lib/model/audit-query";

// The audit page and /api/audit read a long trail a page at a time (issue 12: a million rows).
describe("audit filter", () => {
  it("a page is 100 rows unless the URL says otherwise, at most 10,000", () => {
    expect(auditFilterSchema.parse({}).limit).toBe(100);
    expect(auditFilterSchema.parse({ limit: "250" }).limit).toBe(250);
    expect(auditFilterSchema.safeParse({ limit: "10001" }).success).toBe(false);
    expect(AUDIT_EXPORT_LIMIT).toBe(10_000);
  });

  it("`before` is a positive sequence number, or absent", () => {
    expect(auditFilterSchema.parse({ before: "42" }).before).toBe(42);
    expect(auditFilterSchema.parse({ before: "" }).before).toBeUndefined();
    for (const bad of ["0", "-3", "1.5", "x"])
      expect(auditFilterSchema.safeParse({ before: bad }).success).toBe(false);
  });
});

describe("audit time fields", () => {
  it("take 24-hour UTC as typed (a space or a T between date and time)", () => {
    expect(auditFilterSchema.parse({ from: "2026-11-30 14:05:00" }).from).toBe(
      "2026-11-30T14:05:00",
    );
    expect(auditFilterSchema.parse({ to: "2026-11-30T14:05:00Z" }).to).toBe("2026-11-30T14:05:00Z");
    expect(auditFilterSchema.parse({ from: "" }).from).toBeUndefined();
    expect(auditFilterSchema.safeParse({ from: "11/30/2026 2:05 PM" }).success).toBe(false);
  });
});
