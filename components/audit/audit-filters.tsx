import { AUDIT_OUTCOMES } from "@/lib/model/audit-outcomes";
import type { AuditFilter } from "@/lib/model/audit-query";

const input = "mt-1 rounded border border-slate-700 bg-slate-900 px-2 py-1 text-sm text-slate-100";
const labelClass = "flex flex-col text-xs font-medium text-slate-300";

// A plain GET form: filters live in the URL, so a filtered view can be bookmarked or shared and
// the CSV link exports exactly what is on screen. No client JavaScript needed.
export function AuditFilters({ filter, csvHref }: { filter: AuditFilter; csvHref: string }) {
  return (
    <form method="get" className="mb-3 flex flex-wrap items-end gap-3" aria-label="Audit filters">
      <label className={labelClass}>
        User
        <input name="actor" defaultValue={filter.actor ?? ""} className={input} />
      </label>
      <label className={labelClass}>
        Account
        <input name="account" defaultValue={filter.account ?? ""} className={input} />
      </label>
      <label className={labelClass}>
        Scope
        <input name="scope" defaultValue={filter.scope ?? ""} className={input} />
      </label>
      <label className={labelClass}>
        Outcome
        <select name="outcome" defaultValue={filter.outcome ?? ""} className={input}>
          <option value="">All outcomes</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <UtcTimeField name="from" label="From" value={filter.from} />
      <UtcTimeField name="to" label="To" value={filter.to} />
      <button
        type="submit"
        className="rounded bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-600"
      >
        Filter
      </button>
      <a
        href={csvHref}
        className="rounded border border-slate-600 px-3 py-1.5 text-sm text-slate-100 hover:bg-slate-800"
        download
      >
        Export CSV
      </a>
    </form>
  );
}

/** A time in UTC, 24-hour, typed as "2026-11-30 14:05:00": the browser's datetime-local picker
 * shows the user's locale (12-hour in the US) under a "(UTC)" label. */
function UtcTimeField({
  name,
  label,
  value,
}: {
  name: "from" | "to";
  label: string;
  value: string | undefined;
}) {
  return (
    <label className={labelClass}>
      {label} (UTC, 24 h)
      <input
        name={name}
        type="text"
        inputMode="numeric"
        placeholder="2026-11-30 14:05:00"
        pattern="\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?"
        title="UTC, 24-hour: YYYY-MM-DD HH:MM:SS"
        defaultValue={value?.slice(0, 19).replace("T", " ") ?? ""}
        className={`${input} w-56 font-mono`}
      />
    </label>
  );
}
