"use client";

import { MMP_STATUSES, VENUES, type MmpRow, type MmpStatus, type Venue } from "@/lib/model/types";
import { VENUE_LABELS } from "@/lib/model/venues";

export interface DeskFilterValues {
  venue: Venue | "all";
  accountId: string | "all";
  status: MmpStatus | "all";
}

export const NO_FILTERS: DeskFilterValues = { venue: "all", accountId: "all", status: "all" };

export function matchesFilters(row: MmpRow, f: DeskFilterValues): boolean {
  return (
    (f.venue === "all" || row.venue === f.venue) &&
    (f.accountId === "all" || row.accountId === f.accountId) &&
    (f.status === "all" || row.status === f.status)
  );
}

// Narrows a <select>'s string back to the union without a cast; anything else means "all".
function pick<T extends string>(allowed: readonly T[], raw: string | null): T | "all" {
  return allowed.find((v) => v === raw) ?? "all";
}

/** The filters a URL names (?venue=&account=&status=): a filtered desk can be bookmarked and
 * shared, and survives a reload. Unknown values mean "all". */
export function filtersFromUrl(params: { get(name: string): string | null }): DeskFilterValues {
  return {
    venue: pick(VENUES, params.get("venue")),
    accountId: params.get("account") || "all",
    status: pick(MMP_STATUSES, params.get("status")),
  };
}

/** The query string for the filters ("" when none is set). */
export function filtersToQuery(f: DeskFilterValues): string {
  const q = new URLSearchParams();
  if (f.venue !== "all") q.set("venue", f.venue);
  if (f.accountId !== "all") q.set("account", f.accountId);
  if (f.status !== "all") q.set("status", f.status);
  const text = q.toString();
  return text ? `?${text}` : "";
}

const STATUS_NAMES: Record<MmpStatus, string> = {
  frozen: "Frozen",
  unknown: "Unknown",
  active: "Active",
  disabled: "Disabled",
};

const selectClass =
  "rounded border border-slate-700 bg-slate-900 px-2 py-1 text-sm text-slate-100 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-400";

interface Props {
  value: DeskFilterValues;
  onChange: (next: DeskFilterValues) => void;
  /** id → label of the accounts on the desk. */
  accounts: ReadonlyMap<string, string>;
}

export function DeskFilters({ value, onChange, accounts }: Props) {
  // An account chosen earlier may have left the desk (config change); keep it selectable so the
  // <select> never shows one value while a different one filters the table.
  const accountOptions = [...accounts];
  if (value.accountId !== "all" && !accounts.has(value.accountId))
    accountOptions.push([value.accountId, value.accountId]);
  const active = value.venue !== "all" || value.accountId !== "all" || value.status !== "all";

  return (
    <div role="group" aria-label="Filters" className="flex flex-wrap items-end gap-3">
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-300">
        Venue
        <select
          className={selectClass}
          value={value.venue}
          onChange={(e) => onChange({ ...value, venue: pick(VENUES, e.target.value) })}
        >
          <option value="all">All venues</option>
          {VENUES.map((v) => (
            <option key={v} value={v}>
              {VENUE_LABELS[v]}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-300">
        Account
        <select
          className={selectClass}
          value={value.accountId}
          onChange={(e) => onChange({ ...value, accountId: e.target.value })}
        >
          <option value="all">All accounts</option>
          {accountOptions.map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-300">
        Status
        <select
          className={selectClass}
          value={value.status}
          onChange={(e) => onChange({ ...value, status: pick(MMP_STATUSES, e.target.value) })}
        >
          <option value="all">All statuses</option>
          {MMP_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_NAMES[s]}
            </option>
          ))}
        </select>
      </label>
      {active && (
        <button
          type="button"
          onClick={() => onChange(NO_FILTERS)}
          className="rounded px-2 py-1 text-sm text-sky-300 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-sky-400"
        >
          Clear filters
        </button>
      )}
    </div>
  );
}
