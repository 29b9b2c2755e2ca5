import { AppHeader } from "@/components/app-header";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { ChainVerdictBanner } from "@/components/audit/chain-verdict";
import { auditVerdict } from "@/lib/audit/background";
import { listAudit } from "@/lib/audit/query";
import { pageUser } from "@/lib/auth/page-guard";
import { auditFilterSchema } from "@/lib/model/audit-query";

export const dynamic = "force-dynamic";

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await pageUser("/audit", "audit.read");
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(
      (e): e is [string, string] => typeof e[1] === "string",
    ),
  );
  const parsed = auditFilterSchema.safeParse(raw);
  const filter = parsed.success ? parsed.data : auditFilterSchema.parse({});
  const rows = await listAudit(filter);
  // The background verifier's latest verdict: rendering never verifies the chain itself.
  const verdict = auditVerdict();
  const query = new URLSearchParams(Object.entries(raw).filter(([, v]) => v !== ""));
  query.set("format", "csv");
  return (
    <main className="mx-auto max-w-[1600px] px-4 py-4">
      <AppHeader user={user} title="Audit trail" />
      <ChainVerdictBanner verdict={verdict} />
      {!parsed.success ? (
        <p role="alert" className="mb-2 text-sm text-amber-200">
          Some filters were invalid and are ignored.
        </p>
      ) : null}
      <AuditFilters filter={filter} csvHref={`/api/audit?${query.toString()}`} />
      <p className="mb-2 text-sm text-slate-400">
        {rows.length} rows shown (newest first, at most {filter.limit}).
      </p>
      <AuditTable rows={rows} />
    </main>
  );
}
