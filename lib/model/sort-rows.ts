import { wasFrozen } from "@/lib/model/row-status";
import type { MmpRow, MmpStatus } from "@/lib/model/types";

// Desk order: what needs a human first. Frozen rows are the ones a risk manager may have to
// reset; unknown rows are the ones we cannot vouch for; disabled rows have no protection at all
// but are a configuration matter, not an incident, so they go last.
const STATUS_RANK: Record<MmpStatus, number> = { frozen: 0, unknown: 1, active: 2, disabled: 3 };

// Numeric collation so "acct-2" sorts before "acct-10"; one instance, rows are compared often.
const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Unknown rows that were frozen when last read come right after the frozen ones: an outage must
 * not push a freeze down the list. */
const rankOf = (r: MmpRow) => (wasFrozen(r) ? 0.5 : STATUS_RANK[r.status]);

function compareRows(a: MmpRow, b: MmpRow): number {
  return (
    rankOf(a) - rankOf(b) ||
    collator.compare(a.venue, b.venue) ||
    collator.compare(a.accountLabel, b.accountLabel) ||
    collator.compare(a.accountId, b.accountId) ||
    collator.compare(a.scope, b.scope) ||
    // Ids are unique and compared by code point, so the order is total and stable between polls.
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Returns a new array; the input (often the query cache's own array) is never mutated. */
export function sortRows(rows: readonly MmpRow[]): MmpRow[] {
  return [...rows].sort(compareRows);
}
