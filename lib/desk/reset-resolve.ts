import "server-only";
import type { Attempt } from "@/lib/desk/reset-audit";
import type { ResetDeps } from "@/lib/desk/reset-deps";
import { noteResetTookEffect } from "@/lib/desk/reset-history";
import type { MmpRow } from "@/lib/model/types";
import { log } from "@/lib/platform/log";
import type { VenueAccount } from "@/lib/venues/account";

// After an unknown outcome the only safe move is to look, never to send again: re-read the
// state and record what it shows as `resolved`. If the re-read fails too, look again a few times
// in the background; the audit trail then says when the outcome became known.

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

const rowOf = (deps: ResetDeps, account: VenueAccount, scope: string) =>
  deps.state.rowsOf(account).find((r) => r.scope === scope) ?? null;

async function lookOnce(
  deps: ResetDeps,
  attempt: Attempt,
  account: VenueAccount,
  scope: string,
  before: MmpRow,
): Promise<Resolution | null> {
  // The store announces the re-read (failed or not) to the live streams as it lands.
  await deps.state.readAccountNow(account, "reset");
  if (deps.state.readProblem(account)) return null;
  const row = rowOf(deps, account, scope);
  const summary = verdict(row);
  await attempt.record({
    outcome: "resolved",
    stateBefore: before,
    stateAfter: row,
    detail: summary,
  });
  // The store may have closed the freeze already (it announced the re-read); this corrects how.
  if (row?.status === "active") await noteResetTookEffect(deps, attempt, before);
  return { row, summary };
}

export async function resolveUnknown(
  deps: ResetDeps,
  attempt: Attempt,
  account: VenueAccount,
  scope: string,
  before: MmpRow,
): Promise<Resolution> {
  const now = await lookOnce(deps, attempt, account, scope, before);
  if (now) return now;
  void (async () => {
    for (const delay of deps.recheckDelaysMs) {
      await new Promise((r) => setTimeout(r, delay));
      try {
        if (await lookOnce(deps, attempt, account, scope, before)) return;
      } catch (err) {
        log.error({ err, row: before.id }, "re-check after an unknown reset outcome failed");
      }
    }
    log.warn({ row: before.id }, "reset outcome still unknown after background re-checks");
  })();
  return {
    row: rowOf(deps, account, scope),
    summary: "the re-read failed too; re-checking in the background",
  };
}
