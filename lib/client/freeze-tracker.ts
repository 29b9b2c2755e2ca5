// Decides when a row has *newly* frozen, from two sources that both report the same freeze: the
// stream's `transition` event and a row turning frozen between two cache states (stream `account`
// events, a reconnect snapshot, or a poll while the stream is down). One freeze alerts once,
// whichever source reports it first and in whatever order the other follows.
//
// Rules (tests/unit/live-freeze-tracker.test.ts):
// - A row is "tracked" from the moment it is seen frozen; while tracked it does not alert again.
// - Rows already frozen when the page opens are tracked without alerting: they are on screen.
// - Only data saying ACTIVE or DISABLED ends the tracking, and only data at least as new as the
//   data that showed the freeze (a late poll answer must not "unfreeze" a row and make the next
//   update alert a second time). UNKNOWN (venue down, stale) proves nothing and changes nothing.
// - A tracked row whose venue-reported trigger time moves forward froze again in between two
//   reads: that is a new freeze and alerts.
import type { MmpRow, RowTransition, Venue } from "@/lib/model/types";

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
  /** Some row started or stopped being frozen (the trigger history changed). */
  changed: boolean;
}

export interface FreezeTracker {
  observeRows(
    next: readonly MmpRow[],
    serverTime: number,
    prev?: readonly MmpRow[],
  ): RowsObservation;
  observeTransition(t: RowTransition): FreezeEvent | null;
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
            // Tracked from a transition, which carries no trigger time: adopt the venue's.
            entry.lastTriggerAt = row.lastTriggerAt;
          }
        } else if (entry && ends(row.status) && notOlder(entry.seenAt, row.fetchedAt)) {
          tracked.delete(row.id);
          changed = true;
        }
      }
      return { freezes, changed };
    },

    observeTransition(t) {
      const entry = tracked.get(t.rowId);
      if (t.to === "frozen") {
        if (entry) return null;
        tracked.set(t.rowId, { lastTriggerAt: null, seenAt: t.at });
        return {
          rowId: t.rowId,
          accountId: t.accountId,
          accountLabel: t.accountLabel,
          venue: t.venue,
          scope: t.scope,
          at: t.at,
          frozenUntil: t.frozenUntil,
        };
      }
      if (entry && ends(t.to) && notOlder(entry.seenAt, t.at)) tracked.delete(t.rowId);
      return null;
    },

    isFrozen: (rowId) => tracked.has(rowId),
  };
}
