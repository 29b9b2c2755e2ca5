import type { ChainVerdict, UnansweredRequest } from "@/lib/model/audit";

// The background verifier's latest verdict (never computed while rendering): red when the trail
// was altered, naming the first bad row; amber for reset requests that never got a result.

function Headline({ verdict }: { verdict: ChainVerdict }) {
  if (!verdict.checkedAt) {
    return (
      <p
        role="status"
        className="mb-3 rounded border border-slate-600 bg-slate-900 px-3 py-2 text-sm text-slate-200"
      >
        Integrity check not finished yet: {verdict.notes[0] ?? "the verifier is running."}
      </p>
    );
  }
  if (verdict.ok) {
    return (
      <p
        role="status"
        className="mb-3 rounded border border-emerald-700 bg-emerald-950/60 px-3 py-2 text-sm text-emerald-200"
      >
        ✓ Integrity check passed: {verdict.rows} rows, hash chain intact
        {verdict.head ? (
          <>
            {" "}
            — head #{verdict.head.seq}{" "}
            <code className="font-mono">{verdict.head.hash.slice(0, 16)}…</code>
          </>
        ) : null}
        {verdict.anchoredSeq > 0 ? <>, anchored through #{verdict.anchoredSeq}</> : null} (checked{" "}
        {verdict.checkedAt.slice(11, 19)} UTC)
      </p>
    );
  }
  return (
    <p
      role="alert"
      className="mb-3 rounded border border-rose-600 bg-rose-950 px-3 py-2 text-sm font-semibold text-rose-100"
    >
      ✕ Integrity check FAILED at row #{verdict.firstBad?.seq}: {verdict.firstBad?.reason}. The
      trail has been altered.
    </p>
  );
}

function describe(r: UnansweredRequest): string {
  const what = [r.accountId, r.scope].filter(Boolean).join("/");
  return `#${r.seq} ${r.at.slice(0, 19).replace("T", " ")} UTC by ${r.actor}${what ? ` on ${what}` : ""}${r.idempotencyKey ? ` (key ${r.idempotencyKey})` : ""}`;
}

export function ChainVerdictBanner({ verdict }: { verdict: ChainVerdict }) {
  const shown = verdict.checkedAt ? verdict.notes : [];
  return (
    <>
      <Headline verdict={verdict} />
      {verdict.unansweredCount > 0 ? (
        <div
          role="alert"
          aria-label="Reset requests without a result"
          className="mb-3 rounded border border-amber-600 bg-amber-950/60 px-3 py-2 text-sm text-amber-100"
        >
          ⚠ {verdict.unansweredCount} reset request{verdict.unansweredCount === 1 ? "" : "s"}{" "}
          without a result after the reset timeout (outcome not recorded; check the venue):
          <ul className="mt-1 list-disc pl-5 font-mono text-xs">
            {verdict.unanswered.map((r) => (
              <li key={r.seq}>{describe(r)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {shown.length > 0 ? (
        <ul className="mb-3 text-xs text-slate-400">
          {shown.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
