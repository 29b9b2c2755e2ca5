import { auditVerdict } from "@/lib/audit/background";
import { listAudit, toCsv, withReadsAfter } from "@/lib/audit/query";
import { AppError } from "@/lib/platform/errors";
import { handler } from "@/lib/http/handler";
import { requirePermission, requireUser } from "@/lib/auth/current-user";
import { AUDIT_EXPORT_LIMIT, auditFilterSchema } from "@/lib/model/audit-query";

export const dynamic = "force-dynamic";

// GET /api/audit – the audit trail, newest first, filtered, a page at a time (?before=<seq> for
// older rows); ?format=csv downloads it with hashes.
// The verdict is the background verifier's latest (lib/audit/background.ts): a read never
// verifies the chain itself.
export const GET = handler(async (req: Request) => {
  requirePermission(await requireUser(), "audit.read");
  const params = new URL(req.url).searchParams;
  const csv = params.get("format") === "csv";
  // A page is 100 rows; an export without a limit holds up to AUDIT_EXPORT_LIMIT.
  const parsed = auditFilterSchema.safeParse({
    ...(csv ? { limit: AUDIT_EXPORT_LIMIT } : {}),
    ...Object.fromEntries(params),
  });
  if (!parsed.success) throw new AppError("invalid_filter", "invalid audit filter");
  const rows = await listAudit(parsed.data);
  if (csv) {
    return new Response(toCsv(rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="mmp-audit-${new Date().toISOString().slice(0, 19).replace(/:/g, "")}Z.csv"`,
        "Cache-Control": "no-store",
      },
    });
  }
  return Response.json(
    { rows: await withReadsAfter(rows), verdict: auditVerdict() },
    { headers: { "Cache-Control": "no-store" } },
  );
});
