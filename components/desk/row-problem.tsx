import type { RowProblem as Problem } from "@/lib/model/types";

// Why a row is unknown/disabled, or the last read error while older data is still shown. The
// server guarantees the message is safe to display (no secrets). Clamped to two lines so one
// long error cannot blow up the row height; the full text stays in the DOM and in the title.
export function RowProblem({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <p
      className="mt-1 line-clamp-2 max-w-64 text-xs text-amber-200"
      title={`${problem.code}: ${problem.message}`}
    >
      <span aria-hidden="true">⚠ </span>
      {problem.message}
    </p>
  );
}
