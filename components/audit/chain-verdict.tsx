import type { ChainVerdict } from "@/lib/model/audit";

export function ChainVerdictBanner({ verdict }: { verdict: ChainVerdict }) {
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
