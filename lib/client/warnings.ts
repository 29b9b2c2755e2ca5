// What the page must say out loud about the data it shows, as plain values, so the desk's and the
// wall screen's banners word it the same way (and the rule is unit-tested).
import type { MmpRow } from "@/lib/model/types";
import { formatDuration, formatUtcTime } from "@/lib/model/format";
import { STALE_PROBLEM_CODE } from "@/lib/client/staleness";
import type { Connection } from "@/lib/client/use-live-desk";

// Problems that belong to one scope's configuration, which the row itself explains, or that are
// not problems of the venue at all. Every other code (unavailable, rate_limited, banned,
// misconfigured, auth, signature, degraded, rejected, …) concerns how the whole account is read,
// and is raised as a banner. A list of exceptions rather than of alarms, so a failure kind added
// on the server later is shouted about, not silently ignored.
const SCOPE_LEVEL_PROBLEMS: ReadonlySet<string> = new Set([
  "not_enabled",
  "not_configured",
  "bad_scope",
  "not_read",
  STALE_PROBLEM_CODE,
]);

export interface VenueProblem {
  accountId: string;
  accountLabel: string;
  code: string;
  message: string;
}

/** One entry per account with an account-wide problem, ordered by label. */
export function venueProblems(rows: readonly MmpRow[]): VenueProblem[] {
  const byAccount = new Map<string, VenueProblem>();
  for (const row of rows) {
    const p = row.problem;
    if (!p || SCOPE_LEVEL_PROBLEMS.has(p.code) || byAccount.has(row.accountId)) continue;
    byAccount.set(row.accountId, {
      accountId: row.accountId,
      accountLabel: row.accountLabel,
      code: p.code,
      message: p.message,
    });
  }
  return [...byAccount.values()].sort((a, b) => a.accountLabel.localeCompare(b.accountLabel));
}

export type DeskWarning =
  | { kind: "stream"; dataFrom: number; polling: boolean; pollMs: number }
  | { kind: "server"; message: string }
  | { kind: "venue"; problem: VenueProblem }
  | { kind: "stale"; count: number; staleAfterMs: number };

export interface WarningInput {
  connection: Connection;
  /** Server time of the data on screen. */
  serverTime: number;
  pollIntervalMs: number;
  /** The last poll failed (only meaningful while the stream is down). */
  pollError: Error | null;
  problems: readonly VenueProblem[];
  staleCount: number;
  staleAfterMs: number;
}

/** Most urgent first: no live data at all, then the venues, then stale rows. */
export function deskWarnings(input: WarningInput): DeskWarning[] {
  const out: DeskWarning[] = [];
  const { connection } = input;
  if (connection.state !== "live" && connection.lostAt !== null) {
    out.push({
      kind: "stream",
      dataFrom: input.serverTime,
      polling: connection.state === "polling",
      pollMs: input.pollIntervalMs,
    });
    if (input.pollError) out.push({ kind: "server", message: input.pollError.message });
  }
  for (const problem of input.problems) out.push({ kind: "venue", problem });
  if (input.staleCount > 0) {
    out.push({ kind: "stale", count: input.staleCount, staleAfterMs: input.staleAfterMs });
  }
  return out;
}

/**
 * The sentence for a warning, split around the one part that changes while the warning stands
 * (the time of the data, which advances with every poll): banners put that part outside the live
 * region, so screen readers hear the warning once, not once per poll.
 */
export interface WarningWords {
  before: string;
  time?: string;
  after?: string;
}

/** `refMs` decides whether a date is needed before the time. */
export function warningWords(w: DeskWarning, refMs: number): WarningWords {
  switch (w.kind) {
    case "stream":
      return {
        before: "Live updates lost — reconnecting; showing data from ",
        time: `${formatUtcTime(w.dataFrom, refMs)} UTC`,
        after: w.polling ? ` (polling every ${formatDuration(w.pollMs)} meanwhile)` : "",
      };
    case "server":
      return { before: `Server not answering: ${w.message}` };
    case "venue":
      return { before: `Venue problem: ${w.problem.accountLabel}: ${w.problem.message}` };
    case "stale":
      return {
        before:
          `${w.count} ${w.count === 1 ? "row is" : "rows are"} stale (no venue data for over ` +
          `${formatDuration(w.staleAfterMs)}) and shown as UNKNOWN`,
      };
  }
}

export function warningText(w: DeskWarning, refMs: number): string {
  const { before, time = "", after = "" } = warningWords(w, refMs);
  return before + time + after;
}

export const warningKey = (w: DeskWarning): string =>
  w.kind === "venue" ? `venue:${w.problem.accountId}` : w.kind;
