import "server-only";
import type { Attempt } from "@/lib/desk/reset-audit";
import type { ResetDeps } from "@/lib/desk/reset-deps";
import { recordResetTookEffect } from "@/lib/live/trigger-history";
import type { MmpRow } from "@/lib/model/types";
import { log } from "@/lib/platform/log";

/** Tells the trigger history that this attempt's reset took effect on the row (the venue said
 * ok, or a re-read after an unknown outcome shows it ACTIVE), so the freeze is recorded as ended
 * by this reset and its user. Never throws: the reset stands without it, and the history would
 * only say "cleared" instead of naming the user. */
export async function noteResetTookEffect(
  deps: ResetDeps,
  attempt: Attempt,
  before: MmpRow,
): Promise<void> {
  try {
    const { db } = await deps.db();
    const at = deps.now();
    await recordResetTookEffect(
      { rowId: before.id, user: attempt.user.username, seenFrozenAt: before.fetchedAt ?? at, at },
      db,
    );
  } catch (err) {
    log.error({ err, row: before.id }, "could not record the reset in the trigger history");
  }
}
