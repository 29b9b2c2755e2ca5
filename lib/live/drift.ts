import "server-only";
import type { DesiredLimits } from "@/lib/config/schema";
import { canonicalDecimal, type LimitField } from "@/lib/model/limits";
import type { MmpRow, RowDrift } from "@/lib/model/types";
import { VENUE_LIMITS } from "@/lib/model/venue-limits";
import { singleton } from "@/lib/platform/singleton";

// Drift: a row's live MMP limits differ from its desired ones (lib/live/desired.ts), after the
// venue's values are put in the desk's units and precision (ms, canonical decimals). MMP no
// longer on at the venue (the row reads DISABLED while a desired state exists) is the loudest
// drift. A row without fresh data (UNKNOWN) is not judged: the drift it had stays as it was.

type RowField = Exclude<LimitField, "maxQuoteQty">;
const ROW_FIELDS: readonly RowField[] = [
  "windowMs",
  "frozenPeriodMs",
  "qtyLimit",
  "deltaLimit",
  "vegaLimit",
];

const same = (a: number | string, b: number | string | null) =>
  typeof a === "string" && typeof b === "string"
    ? canonicalDecimal(a) === canonicalDecimal(b)
    : a === b;

/** The drift of a row with known status, or null when it matches (or has no desired state).
 * The max quote quantity is not on the rows: it is checked by a limit change's re-read only. */
export function compareWithDesired(
  row: MmpRow,
  desired: DesiredLimits | null,
): Omit<RowDrift, "since"> | null {
  if (!desired) return null;
  if (row.status === "disabled") return { off: true, fields: [] };
  const spec = VENUE_LIMITS[row.venue];
  const fields = ROW_FIELDS.flatMap((field) => {
    const want = desired[field];
    const s = spec[field];
    if (want === undefined || !s) return [];
    const live = row[field];
    return same(want, live) ? [] : [{ field, label: s.label, desired: want, live }];
  });
  return fields.length ? { off: false, fields } : null;
}

/** What identifies one drift: the same fields at the same values is the same drift. */
export const driftKey = (d: Omit<RowDrift, "since">): string =>
  JSON.stringify([d.off, d.fields.map((f) => [f.field, f.desired, f.live])]);

interface Seen {
  key: string;
  drift: RowDrift;
}
const seen = singleton("row-drift", () => new Map<string, Seen>());

/** The row with its drift, keeping the per-row memory in step: a known row that matches forgets
 * its drift; an UNKNOWN row keeps the last one. `since` is when this process first saw it (or
 * what the recorder stored, lib/live/drift-alerts.ts). */
export function withDrift(row: MmpRow, desired: DesiredLimits | null): MmpRow {
  if (row.status === "unknown") {
    const last = seen.get(row.id);
    return last ? { ...row, drift: last.drift } : row;
  }
  const now = compareWithDesired(row, desired);
  if (!now) {
    seen.delete(row.id);
    return row;
  }
  const key = driftKey(now);
  const last = seen.get(row.id);
  const drift =
    last && last.key === key ? last.drift : { ...now, since: row.fetchedAt ?? Date.now() };
  if (!last || last.key !== key) seen.set(row.id, { key, drift });
  return { ...row, drift };
}

/** A drift's start as the recorder stored it (earlier than this process saw it: a restart). */
export function noteDriftSince(rowId: string, key: string, since: number): void {
  const last = seen.get(rowId);
  if (last && last.key === key && since < last.drift.since)
    seen.set(rowId, { key, drift: { ...last.drift, since } });
}
