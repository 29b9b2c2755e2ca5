// Decides when a row has *newly* frozen, from one source only: the rows of the cached desk, diffed
// on every change whoever wrote it (a stream `account` event, a reconnect snapshot, a reset's
// re-read, or a poll while the stream is down). Every server update carries whole rows, so the
// server's `transition` events would only say the same thing twice; the page does not use them.
// One freeze alerts once, however many cache states show it.
//
// Rules (tests/unit/live-freeze-tracker.test.ts):
// - A row is "tracked" from the moment it is seen frozen; while tracked it does not alert again.
// - Rows already frozen when the page opens are tracked without alerting: they are on screen.
// - A row first seen frozen alerts at the venue's trigger time when the venue reports a new one,
//   else at the server time of the data that showed it.
// - Only data saying ACTIVE or DISABLED ends the tracking, and only data at least as new as the
//   data that showed the freeze (a late poll answer must not "unfreeze" a row and make the next
//   update alert a second time). UNKNOWN (venue down, stale) proves nothing and changes nothing.
// - A tracked row whose venue-reported trigger time moves forward froze again in between two
//   reads: that is a new freeze and alerts.
import type { MmpRow, Venue } from "@/lib/model/types";

export interface FreezeEvent {
  rowId: string;
  accountId: string;
  accountLabel: string;
  venue: Venue;
  scope: string;
  /** Server time of the freeze (the venue's trigger time when it reports one). */
  at: number;
  frozenUntil: number | null;
}

interface Tracked {
  lastTriggerAt: number | null;
  /** Server time of the data that showed the freeze; older data cannot end it. */
  seenAt: number | null;
}

export interface RowsObservation {
  freezes: FreezeEvent[];
  /** Rows whose freeze was seen to end (their alerts leave the alert area). */
  ended: string[];
  /** Some row started or stopped being frozen (the trigger history changed). */
  changed: boolean;
}

export interface FreezeTracker {
  observeRows(
    next: readonly MmpRow[],
    serverTime: number,
    prev?: readonly MmpRow[],
  ): RowsObservation;
  isFrozen(rowId: string): boolean;
}

const ends = (status: MmpRow["status"]) => status === "active" || status === "disabled";

export function createFreezeTracker(initialRows: readonly MmpRow[]): FreezeTracker {
  const tracked = new Map<string, Tracked>();
  for (const row of initialRows) {
    if (row.status === "frozen")
      tracked.set(row.id, { lastTriggerAt: row.lastTriggerAt, seenAt: row.fetchedAt });
  }

  const notOlder = (seenAt: number | null, at: number | null) =>
    seenAt === null || at === null || at >= seenAt;

  return {
    observeRows(next, serverTime, prev) {
      const before = new Map(prev?.map((r) => [r.id, r] as const));
      const freezes: FreezeEvent[] = [];
      const ended: string[] = [];
      let changed = false;
      for (const row of next) {
        const entry = tracked.get(row.id);
        if (row.status === "frozen") {
          const retriggered =
            entry !== undefined &&
            entry.lastTriggerAt !== null &&
            row.lastTriggerAt !== null &&
            row.lastTriggerAt > entry.lastTriggerAt;
          if (entry === undefined || retriggered) {
            const known = before.get(row.id)?.lastTriggerAt ?? entry?.lastTriggerAt ?? null;
            const fresh =
              row.lastTriggerAt !== null && (known === null || row.lastTriggerAt > known);
            freezes.push({
              rowId: row.id,
              accountId: row.accountId,
              accountLabel: row.accountLabel,
              venue: row.venue,
              scope: row.scope,
              at: fresh && row.lastTriggerAt !== null ? row.lastTriggerAt : serverTime,
              frozenUntil: row.frozenUntil,
            });
            tracked.set(row.id, { lastTriggerAt: row.lastTriggerAt, seenAt: row.fetchedAt });
            changed = true;
          } else if (entry.lastTriggerAt === null && row.lastTriggerAt !== null) {
            // Seen frozen before the venue reported a trigger time: the time it reports now is
            // this freeze's, not a new one. Adopt it so a later, newer one is recognised.
            entry.lastTriggerAt = row.lastTriggerAt;
          }
        } else if (entry && ends(row.status) && notOlder(entry.seenAt, row.fetchedAt)) {
          tracked.delete(row.id);
          ended.push(row.id);
          changed = true;
        }
      }
      return { freezes, ended, changed };
    },

    isFrozen: (rowId) => tracked.has(rowId),
  };
}
