import type { AuditRecord } from "@/lib/model/audit";

const OUTCOME_STYLE: Record<string, string> = {
  ok: "text-emerald-300",
  requested: "text-slate-300",
  rejected: "text-rose-300",
  unknown: "text-amber-200",
  resolved: "text-sky-300",
  denied: "text-orange-300",
};

export function AuditTable({ rows }: { rows: AuditRecord[] }) {
  const cell = "px-2 py-1 align-top";
  return (
    <table className="w-full border-collapse text-sm">
      <caption className="sr-only">Audit trail, newest first</caption>
      <thead className="bg-slate-900 text-left text-xs uppercase tracking-wide text-slate-400">
        <tr>
          {[
            "#",
            "Time (UTC)",
            "User",
            "Outcome",
            "Account / scope",
            "Venue answer",
            "Latency",
            "Detail",
            "Hash",
          ].map((h) => (
            <th key={h} scope="col" className={cell}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-800">
        {rows.map((r) => (
          <tr key={r.seq}>
            <td className={`${cell} tabular-nums text-slate-400`}>{r.seq}</td>
            <td className={`${cell} whitespace-nowrap tabular-nums`}>
              <time dateTime={r.at}>{r.at.replace("T", " ").replace("Z", "")}</time>
            </td>
            <td className={cell}>
              {r.actor} <span className="text-slate-500">({r.role})</span>
            </td>
            <td className={`${cell} font-semibold ${OUTCOME_STYLE[r.outcome] ?? ""}`}>
              {r.outcome}
            </td>
            <td className={cell}>
              {r.account_id ?? "—"} / <span className="font-semibold">{r.scope ?? "—"}</span>
              {r.venue ? <span className="text-slate-500"> · {r.venue}</span> : null}
            </td>
            <td className={`${cell} max-w-72 break-words`}>
              {r.venue_code ? <code className="mr-1 font-mono">{r.venue_code}</code> : null}
              {r.venue_message}
            </td>
            <td className={`${cell} tabular-nums`}>
              {r.latency_ms === null ? "" : `${r.latency_ms} ms`}
            </td>
            <td className={`${cell} max-w-72 break-words text-slate-300`}>
              {r.detail}
              {r.idempotency_key ? (
                <div className="font-mono text-xs text-slate-500">key {r.idempotency_key}</div>
              ) : null}
            </td>
            <td
              className={`${cell} font-mono text-xs text-slate-500`}
              title={`${r.hash} (${r.key_id ? `HMAC, key ${r.key_id}` : "plain SHA-256"})`}
            >
              {r.hash.slice(0, 10)}…
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
