import { auditVerdict } from "@/lib/audit/background";
import { listAudit, toCsv } from "@/lib/audit/query";
import { AppError } from "@/lib/platform/errors";
import { handler } from "@/lib/http/handler";
import { requirePermission, requireUser } from "@/lib/auth/current-user";
import { auditFilterSchema } from "@/lib/model/audit-query";

export const dynamic = "force-dynamic";

// GET /api/audit – the audit trail, newest first, filtered; ?format=csv downloads it with hashes.
// The verdict is the background verifier's latest (lib/audit/background.ts): a read never
// verifies the chain itself.
export const GET = handler(async (req: Request) => {
  requirePermission(await requireUser(), "audit.read");
  const params = new URL(req.url).searchParams;
  const parsed = auditFilterSchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw new AppError("invalid_filter", "invalid audit filter");
  const rows = await listAudit(parsed.data);
  if (params.get("format") === "csv") {
    return new Response(toCsv(rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="mmp-audit-${new Date().toISOString().slice(0, 19).replace(/:/g, "")}Z.csv"`,
        "Cache-Control": "no-store",
      },
    });
  }
  return Response.json(
    { rows, verdict: auditVerdict() },
    { headers: { "Cache-Control": "no-store" } },
  );
});
