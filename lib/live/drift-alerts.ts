import "server-only";
import { appendAudit } from "@/lib/audit/append";
import { getDb, type Db } from "@/lib/db/client";
import { isRecorder } from "@/lib/live/cluster/role";
import { onAccountChange, rowsOf } from "@/lib/live/account-state";
import { driftKey, noteDriftSince } from "@/lib/live/drift";
import { sendDriftWebhook } from "@/lib/live/webhook";
import type { MmpRow, RowDrift } from "@/lib/model/types";
import { metrics } from "@/lib/platform/metrics";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// Drift becomes evidence and an alert, once per drift (issue 15, point 5): a row whose live
// limits leave their desired state gets a `drift_detected` audit row, one webhook call and a
// metric; coming back gets `drift_cleared`. The drift each row is in is kept in row_drift, so a
// restart or another process does not alert the same drift again. Only the recorder (the one
// process of a cluster that records history) writes; every process shows drift on its rows.

const state = singleton("drift-alerts", () => ({
  /** Row id → drift key as recorded (null: recorded as clear). Set before any await. */
  recorded: new Map<string, string | null>(),
  loaded: null as Promise<void> | null,
}));

async function loadRecorded(db: Db): Promise<void> {
  const rows = await db.db.selectFrom("row_drift").selectAll().execute();
  for (const r of rows) {
    if (!state.recorded.has(r.row_id)) state.recorded.set(r.row_id, r.drift_key);
    noteDriftSince(r.row_id, r.drift_key, Date.parse(r.since));
  }
  metrics.rowsInDrift.set([...state.recorded.values()].filter((k) => k !== null).length);
}

const summary = (d: RowDrift) =>
  d.off
    ? "MMP is off at the venue"
    : d.fields.map((f) => `${f.label} ${String(f.live)} (desired ${String(f.desired)})`).join("; ");

async function detected(db: Db, row: MmpRow, drift: RowDrift, key: string): Promise<void> {
  // Already stored with this key: alerted before a restart, or by another process.
  const stored = await db.db
    .selectFrom("row_drift")
    .select("drift_key")
    .where("row_id", "=", row.id)
    .executeTakeFirst();
  if (stored?.drift_key === key) return;
  const values = { drift_key: key, since: new Date(drift.since).toISOString() };
  await db.db
    .insertInto("row_drift")
    .values({ row_id: row.id, ...values })
    .onConflict((oc) => oc.column("row_id").doUpdateSet(values))
    .execute();
  metrics.driftDetected.inc({ venue: row.venue, kind: drift.off ? "off" : "limits" });
  await appendAudit(
    {
      actor: "system",
      role: "system",
      action: "mmp.limits.drift",
      outcome: "drift_detected",
      venue: row.venue,
      accountId: row.accountId,
      scope: row.scope,
      stateAfter: drift,
      detail: summary(drift),
    },
    db,
  );
  await sendDriftWebhook(row, drift);
}

async function cleared(db: Db, row: MmpRow): Promise<void> {
  const res = await db.db.deleteFrom("row_drift").where("row_id", "=", row.id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) return;
  await appendAudit(
    {
      actor: "system",
      role: "system",
      action: "mmp.limits.drift",
      outcome: "drift_cleared",
      venue: row.venue,
      accountId: row.accountId,
      scope: row.scope,
      detail: "the live limits match the desired state again",
    },
    db,
  );
}

function check(rows: MmpRow[]): void {
  for (const row of rows) {
    if (row.status === "unknown") continue;
    const key = row.drift ? driftKey(row.drift) : null;
    const before = state.recorded.get(row.id);
    if (before === key || (before === undefined && key === null)) continue;
    state.recorded.set(row.id, key);
    metrics.rowsInDrift.set([...state.recorded.values()].filter((k) => k !== null).length);
    const drift = row.drift;
    void getDb()
      .then((db) => (drift && key ? detected(db, row, drift, key) : cleared(db, row)))
      .catch((err: unknown) => log.error({ err, row: row.id }, "could not record a limit drift"));
  }
}

/** Records drift from every change of the account-state store from now on (idempotent). */
export function startDriftAlerts(): void {
  singleton("drift-alerts-listening", () => {
    state.loaded = getDb()
      .then(loadRecorded)
      .catch((err: unknown) => log.error({ err }, "could not load recorded drift"));
    return onAccountChange(({ account }) => {
      if (!isRecorder()) return;
      // Judged once the stored drift is known, so a restart does not alert it again.
      void state.loaded?.then(() => check(rowsOf(account)));
    });
  });
}
