import { AppHeader } from "@/components/app-header";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { ChainVerdictBanner } from "@/components/audit/chain-verdict";
import { auditVerdict } from "@/lib/audit/background";
import { listAudit, withReadsAfter } from "@/lib/audit/query";
import { pageUser } from "@/lib/auth/page-guard";
import { AUDIT_EXPORT_LIMIT, auditFilterSchema } from "@/lib/model/audit-query";

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
  const rows = await withReadsAfter(await listAudit(filter));
  // The background verifier's latest verdict: rendering never verifies the chain itself.
  const verdict = auditVerdict();
  const query = new URLSearchParams(Object.entries(raw).filter(([, v]) => v !== ""));
  // Older and newer pages keep the filters; the export keeps them too and, unless the URL says
  // how many, holds up to AUDIT_EXPORT_LIMIT rows from the page shown on.
  const pageQuery = new URLSearchParams(query);
  const pageHref = (before: number | null) => {
    const q = new URLSearchParams(pageQuery);
    q.delete("before");
    if (before !== null) q.set("before", String(before));
    const text = q.toString();
    return text ? `/audit?${text}` : "/audit";
  };
  const { actor, account, scope, outcome, from, to, before } = filter;
  const filtered = [actor, account, scope, outcome, from, to, before].some((v) => v !== undefined);
  const older = rows.length === filter.limit ? (rows[rows.length - 1]?.seq ?? null) : null;
  query.set("format", "csv");
  if (!raw.limit) query.set("limit", String(AUDIT_EXPORT_LIMIT));
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
        {rows.length} rows shown (newest first, {filter.limit} per page
        {filter.before ? `, older than #${filter.before}` : ""}).
      </p>
      <AuditTable rows={rows} filtered={filtered} />
      <nav aria-label="Audit pages" className="mt-3 flex gap-3 text-sm">
        {filter.before ? (
          <a href={pageHref(null)} className="text-sky-300 underline hover:text-sky-200">
            Newest rows
          </a>
        ) : null}
        {older !== null ? (
          <a href={pageHref(older)} className="text-sky-300 underline hover:text-sky-200">
            Older rows
          </a>
        ) : null}
      </nav>
    </main>
  );
}
