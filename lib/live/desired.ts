import "server-only";
import type { DesiredLimits } from "@/lib/config/schema";
import type { Db } from "@/lib/db/client";
import type { ResolvedAccount } from "@/lib/config/load";
import type { MmpLimits } from "@/lib/model/limits";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// Each row's desired MMP limits (issue 15, point 5): the last verified limit change's values
// (desired_limits, migration 0011), else the config file's `desired` for the scope. Held in
// memory for the live pipeline (rowsOf is synchronous), refreshed from the database every few
// seconds so that a change verified by another process counts here too.

const REFRESH_MS = 5000;
const state = singleton("desired-limits", () => ({
  fromChanges: new Map<string, DesiredLimits>(),
  timer: null as NodeJS.Timeout | null,
}));

/** Without nulls: a field the venue lacks is not desired. */
function desiredOf(limits: MmpLimits): DesiredLimits {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== null)) as DesiredLimits;
}

export function desiredFor(account: ResolvedAccount, scope: string): DesiredLimits | null {
  return state.fromChanges.get(`${account.id}/${scope}`) ?? account.desired?.[scope] ?? null;
}

export async function refreshDesired(db: Db): Promise<void> {
  const rows = await db.db.selectFrom("desired_limits").select(["row_id", "limits_json"]).execute();
  state.fromChanges = new Map(
    rows.map((r) => [r.row_id, JSON.parse(r.limits_json) as DesiredLimits] as const),
  );
}

/** A verified change: its values become the row's desired state, here at once and for every
 * process through the database. */
export async function saveDesired(
  db: Db,
  rowId: string,
  limits: MmpLimits,
  by: string,
  changeId: string,
): Promise<void> {
  const desired = desiredOf(limits);
  const values = {
    limits_json: JSON.stringify(desired),
    set_by: by,
    set_at: new Date().toISOString(),
    change_id: changeId,
  };
  await db.db
    .insertInto("desired_limits")
    .values({ row_id: rowId, ...values })
    .onConflict((oc) => oc.column("row_id").doUpdateSet(values))
    .execute();
  state.fromChanges.set(rowId, desired);
}

/** Loads now, then every few seconds (idempotent per process). */
export async function startDesiredRefresh(db: () => Promise<Db>): Promise<void> {
  await refreshDesired(await db()).catch((err: unknown) =>
    log.error({ err }, "could not load desired limits"),
  );
  if (state.timer) return;
  state.timer = setInterval(() => {
    void db()
      .then(refreshDesired)
      .catch((err: unknown) => log.error({ err }, "could not refresh desired limits"));
  }, REFRESH_MS);
  state.timer.unref();
}
