import "server-only";
import { getDb } from "@/lib/db/client";
import type { MmpRow } from "@/lib/model/types";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// Since when each frozen row has been frozen (issue 13, point 2). The venue's own trigger time
// where its adapter reports one (lastTriggerAt; not every venue gives it for a freeze until
// manual reset: docs/venues.md); otherwise the first read that saw the row frozen, marked
// observed ("seen frozen at").
// A restart would forget those, so start-up takes the open freezes from the trigger history
// (trigger_event, written since the freeze was first seen), and the earlier time wins.

interface Since {
  at: number;
}

const observed = singleton("freeze-since", () => new Map<string, Since>());

function note(rowId: string, at: number): void {
  const known = observed.get(rowId);
  if (!known || at < known.at) observed.set(rowId, { at });
}

/** The row with its freeze start, keeping the map in step with what the venue says: a frozen row
 * not seen before is noted at the read that showed it; a row known ACTIVE or DISABLED forgets it.
 * An unknown row (stale, or an outage) keeps it: the freeze has not been seen to end. */
export function withFrozenSince(row: MmpRow): MmpRow {
  if (row.status === "active" || row.status === "disabled") {
    observed.delete(row.id);
    return row;
  }
  if (row.status === "frozen" && row.fetchedAt !== null) note(row.id, row.fetchedAt);
  if (row.status === "frozen" && row.lastTriggerAt !== null)
    return { ...row, frozenSince: row.lastTriggerAt, frozenSinceObserved: false };
  const since = observed.get(row.id);
  return since ? { ...row, frozenSince: since.at, frozenSinceObserved: true } : row;
}

/** Start-up: the freezes the trigger history still has open, so "since" survives a restart. */
export async function loadOpenFreezes(): Promise<number> {
  try {
    const { db } = await getDb();
    const open = await db
      .selectFrom("trigger_event")
      .select(["row_id", "frozen_at"])
      .where("ended_at", "is", null)
      .execute();
    for (const e of open) note(e.row_id, Date.parse(e.frozen_at));
    return open.length;
  } catch (err) {
    log.error({ err }, "could not load open freezes from the trigger history");
    return 0;
  }
}

/** Tests: forget everything. */
export function forgetFreezesForTests(): void {
  observed.clear();
}
