import type { AuditView } from "@/lib/model/audit";

const OUTCOME_STYLE: Record<string, string> = {
  ok: "text-emerald-300",
  requested: "text-slate-300",
  rejected: "text-rose-300",
  unknown: "text-amber-200",
  resolved: "text-sky-300",
  observed: "text-sky-300",
  denied: "text-orange-300",
};

/** "FROZEN" from a stored row state (JSON text), or null when there is none or it is unreadable. */
function statusOf(state: string | null): string | null {
  if (!state) return null;
  try {
    const parsed: unknown = JSON.parse(state);
    const status =
      typeof parsed === "object" && parsed !== null
        ? (parsed as { status?: unknown }).status
        : null;
    return typeof status === "string" ? status.toUpperCase() : null;
  } catch {
    return null;
  }
}

/** The row's state before and after, as the attempt recorded them ("FROZEN → ACTIVE"); on an
 * `ok` row whose answer said nothing of the state after, what the post-reset read found. */
function StateChange({ row }: { row: AuditView }) {
  const before = row.state_before;
  const after = row.state_after ?? row.read_after?.state ?? null;
  const from = statusOf(before);
  const to = statusOf(after);
  if (!from && !to) return <span className="text-slate-500">—</span>;
  // A request is written before the call: it has a state before only, and nothing is missing.
  if (row.outcome === "requested") return <span title={before ?? undefined}>{from ?? "?"}</span>;
  const readAt = row.state_after === null && row.read_after ? row.read_after.seq : null;
  return (
    <span
      title={[before && `before: ${before}`, after && `after: ${after}`].filter(Boolean).join("\n")}
    >
      {from ?? "?"} → {to ?? <span className="text-slate-500">not recorded</span>}
      {readAt !== null ? <span className="text-slate-500"> (read #{readAt})</span> : null}
    </span>
  );
}

export function AuditTable({ rows, filtered }: { rows: AuditView[]; filtered: boolean }) {
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
            "State before → after",
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
        {rows.length === 0 ? (
          <tr>
            <td colSpan={10} className="px-3 py-6 text-center text-slate-400">
              {filtered
                ? "No audit rows match these filters."
                : "The audit trail is empty: nothing has been recorded yet."}
            </td>
          </tr>
        ) : null}
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
            <td className={`${cell} whitespace-nowrap`}>
              <StateChange row={r} />
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
