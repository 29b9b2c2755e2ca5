import type { ResetResult } from "@/lib/mmp/types";
import { ApiError } from "@/lib/mmp/queries";
import { formatUtcTime } from "@/components/desk/format";

// What the row says after a reset attempt. The line between "failed" and "outcome unknown" is a
// safety matter: "failed" must mean the server told us nothing was changed, because a risk
// manager acts on it. Anything where the request may have reached the venue is "unknown".
export type ResetOutcomeKind = "done" | "failed" | "unknown";

export interface ResetOutcomeView {
  kind: ResetOutcomeKind;
  text: string;
  /** Secondary line: the server's summary or a support reference. */
  detail?: string;
}

export function describeResetResult(result: ResetResult): ResetOutcomeView {
  if (result.outcome === "ok") {
    const at = formatUtcTime(result.serverTime, result.serverTime);
    return { kind: "done", text: `Reset done at ${at} UTC`, detail: result.message || undefined };
  }
  return { kind: "unknown", text: `Outcome unknown: ${result.message}` };
}

export function describeResetError(error: unknown): ResetOutcomeView {
  if (!(error instanceof ApiError)) {
    return {
      kind: "unknown",
      text: "Outcome unknown: the answer could not be read. Check the row before retrying.",
    };
  }
  const ref = error.correlationId ? `ref ${error.correlationId}` : undefined;
  // No HTTP answer, an unreadable answer, or a generic server fault (which may have struck after
  // the venue call): the reset may or may not have happened.
  if (error.status === 0 || error.code === "bad_response" || error.status === 500) {
    return {
      kind: "unknown",
      text: `Outcome unknown: ${error.message}. Check the row before retrying.`,
      detail: ref,
    };
  }
  const venue = error.venueCode ? ` (venue code ${error.venueCode})` : "";
  return { kind: "failed", text: `Failed: ${error.message}${venue}`, detail: ref };
}
