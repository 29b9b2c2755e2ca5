import "server-only";
import { singleton } from "@/lib/platform/singleton";

// Which freeze of a row a reset through the desk is known to have cleared: its trigger time, on
// the venue's clock. A venue with no frozen flag whose trigger time survives a reset (see the
// venue decisions in docs/venues.md) reads as FROZEN forever after a reset unless the reader knows
// this. Every process that reads must know it, not only the one whose reset saw the answer: the
// memory is filled from this process's resets, from what other processes share with their state
// (lib/live/account-state.ts) and, at start, from the reset ledger (row_reset).

const cleared = singleton("cleared-triggers", () => new Map<string, number>());
const keyOf = (accountId: string, scope: string) => `${accountId}/${scope}`;

/** Remembers that the freeze triggered at `venueMs` (or an earlier one) was cleared. Only ever
 * moves forward: a later freeze is never hidden by an older record. */
export function noteClearedTrigger(accountId: string, scope: string, venueMs: number): void {
  const key = keyOf(accountId, scope);
  if (!Number.isFinite(venueMs)) return;
  if ((cleared.get(key) ?? Number.NEGATIVE_INFINITY) < venueMs) cleared.set(key, venueMs);
}

/** The trigger time of the last freeze of the row known to be cleared, or null. */
export function clearedTriggerOf(accountId: string, scope: string): number | null {
  return cleared.get(keyOf(accountId, scope)) ?? null;
}

/** The account's cleared triggers by scope, to share with other processes. */
export function clearedTriggersOf(accountId: string): Record<string, number> {
  const prefix = `${accountId}/`;
  const out: Record<string, number> = {};
  for (const [key, at] of cleared) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = at;
  return out;
}
