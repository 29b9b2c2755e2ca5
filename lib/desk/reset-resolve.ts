import "server-only";
import type { ResolvedAccount } from "@/lib/config/load";
import { publishAccount } from "@/lib/live/publish";
import { readAccountNow, readProblem, rowsOf } from "@/lib/live/account-state";
import { auditAttempt, type AttemptContext } from "@/lib/desk/reset-audit";
import type { MmpRow } from "@/lib/model/types";
import { log } from "@/lib/platform/log";

// After an unknown outcome the only safe move is to look, never to send again: re-read the
// state and record what it shows as `resolved`. If the re-read fails too, look again a few times
// in the background; the audit trail then says when the outcome became known.

const RETRY_DELAYS_MS = [2000, 5000, 15_000];

export interface Resolution {
  row: MmpRow | null;
  summary: string;
}

function verdict(row: MmpRow | null): string {
  if (!row) return "the row is gone from the venue's answer";
  if (row.status === "active") return "a re-read shows ACTIVE: the reset took effect";
  if (row.status === "frozen")
    return "a re-read still shows FROZEN: the reset most likely did not take effect";
  return `a re-read shows ${row.status.toUpperCase()}`;
}

async function lookOnce(
  attempt: AttemptContext,
  account: ResolvedAccount,
  scope: string,
  before: MmpRow,
): Promise<Resolution | null> {
  await readAccountNow(account, "reset");
  if (readProblem(account)) {
    publishAccount(account);
    return null;
  }
  const row = rowsOf(account).find((r) => r.scope === scope) ?? null;
  const summary = verdict(row);
  await auditAttempt(attempt, {
    outcome: "resolved",
    stateBefore: before,
    stateAfter: row,
    detail: summary,
  });
  publishAccount(account);
  return { row, summary };
}

export async function resolveUnknown(
  attempt: AttemptContext,
  account: ResolvedAccount,
  scope: string,
  before: MmpRow,
): Promise<Resolution> {
  const now = await lookOnce(attempt, account, scope, before);
  if (now) return now;
  void (async () => {
    for (const delay of RETRY_DELAYS_MS) {
      await new Promise((r) => setTimeout(r, delay));
      try {
        if (await lookOnce(attempt, account, scope, before)) return;
      } catch (err) {
        log.error({ err, row: before.id }, "re-check after an unknown reset outcome failed");
      }
    }
    log.warn({ row: before.id }, "reset outcome still unknown after background re-checks");
  })();
  return {
    row: rowsOf(account).find((r) => r.scope === scope) ?? null,
    summary: "the re-read failed too; re-checking in the background",
  };
}
