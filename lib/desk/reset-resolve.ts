import "server-only";
import type { Attempt } from "@/lib/desk/reset-audit";
import type { ResetDeps } from "@/lib/desk/reset-deps";
import { noteResetTookEffect } from "@/lib/desk/reset-history";
import {
  closeAttempt,
  deferAttempt,
  noteFreezeCleared,
  type OpenAttempt,
} from "@/lib/desk/reset-ledger";
import { onVenueClock } from "@/lib/desk/venue-time";
import type { MmpRow } from "@/lib/model/types";
import { log } from "@/lib/platform/log";
import type { VenueAccount } from "@/lib/venues/account";

// After an unknown outcome the only safe move is to look, never to send again: re-read the
// state and record what it shows as `resolved`. If the re-read fails too, look again a few times
// in the background; the audit trail then says when the outcome became known. The attempt stays
// open (reset_open) until `resolved` is written: if this process dies first, or every look fails,
// the reconciler (lib/desk/reset-reconcile.ts) looks again later.

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

/** Re-reads the account once; if the read works, records `resolved` and closes the attempt.
 * Null when the read failed (nothing recorded). */
export async function resolveOnce(
  deps: ResetDeps,
  attempt: Attempt,
  account: VenueAccount,
  scope: string,
  before: MmpRow,
  open: OpenAttempt,
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
  // It took effect: that freeze is cleared, and no process resets it again (lib/desk/reset.ts).
  if (row?.status === "active" && before.lastTriggerAt !== null)
    await noteFreezeCleared(
      await deps.db(),
      open.row_id,
      onVenueClock(account, before.lastTriggerAt),
    ).catch((err: unknown) =>
      log.error({ err, row: before.id }, "could not record the cleared freeze"),
    );
  await closeAttempt(await deps.db(), open.id).catch((err: unknown) =>
    log.error({ err, row: before.id }, "could not close the resolved attempt; reconciler will"),
  );
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
  open: OpenAttempt,
): Promise<Resolution> {
  const now = await resolveOnce(deps, attempt, account, scope, before, open);
  if (now) return now;
  // The reconciler leaves the attempt to the re-checks below while this process lives.
  const { readTimeoutMs } = deps.settings();
  const checksMs = deps.recheckDelaysMs.reduce((sum, d) => sum + d + readTimeoutMs, 5000);
  await deferAttempt(await deps.db(), open.id, Date.now() + checksMs).catch((err: unknown) =>
    log.error({ err, row: before.id }, "could not defer the reconciliation of an unknown reset"),
  );
  void (async () => {
    for (const delay of deps.recheckDelaysMs) {
      await new Promise((r) => setTimeout(r, delay));
      try {
        if (await resolveOnce(deps, attempt, account, scope, before, open)) return;
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
