import type { ResetResult } from "@/lib/model/types";
import { RequestError } from "@/lib/client/queries";
import { formatUtcTime } from "@/lib/model/format";

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

// Answers where the venue may have acted: no HTTP answer, an unreadable answer (ours or the
// venue's), a gateway timeout, a generic server fault (it may have struck after the venue call),
// or the server's own "outcome unknown" error.
const MAYBE_ACTED_CODES = new Set(["bad_response", "venue_bad_response", "outcome_unknown"]);

function mayHaveActed(error: RequestError): boolean {
  return (
    error.status === 0 ||
    error.status === 500 ||
    error.status === 504 ||
    MAYBE_ACTED_CODES.has(error.code)
  );
}

export function describeResetResult(result: ResetResult): ResetOutcomeView {
  if (result.outcome === "ok") {
    const at = formatUtcTime(result.serverTime, result.serverTime);
    return { kind: "done", text: `Reset done at ${at} UTC`, detail: result.message || undefined };
  }
  return { kind: "unknown", text: unknownText(result.message) };
}

export function describeResetError(error: unknown): ResetOutcomeView {
  if (!(error instanceof RequestError)) {
    return {
      kind: "unknown",
      text: unknownText("the answer could not be read. Check the row before retrying."),
    };
  }
  const ref = error.correlationId ? `ref ${error.correlationId}` : undefined;
  if (mayHaveActed(error)) {
    return {
      kind: "unknown",
      text: unknownText(`${error.message}. Check the row before retrying.`),
      detail: ref,
    };
  }
  // The code once: venue messages often carry it already ("<venue>: … (51000): …").
  const venue =
    error.venueCode && !error.message.includes(error.venueCode)
      ? ` (venue code ${error.venueCode})`
      : "";
  return { kind: "failed", text: `Failed: ${error.message}${venue}`, detail: ref };
}

// The server's own message may already start with the words.
function unknownText(message: string): string {
  return /^outcome unknown/i.test(message) ? message : `Outcome unknown: ${message}`;
}
