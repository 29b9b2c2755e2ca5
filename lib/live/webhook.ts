import "server-only";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import type { MmpRow, RowDrift, RowTransition } from "@/lib/model/types";

// Optional outgoing alert (e.g. a chat channel's incoming webhook): MMP_ALERT_WEBHOOK_URL.
// Called once per freeze, with a short timeout; a failure is logged, never retried in a loop,
// and never delays the desk.
export async function sendFreezeWebhook(
  t: RowTransition,
  url = env().MMP_ALERT_WEBHOOK_URL,
): Promise<void> {
  if (!url) return;
  const until =
    t.frozenUntil === null
      ? "until manual reset"
      : `until ${new Date(t.frozenUntil).toISOString()}`;
  const body = {
    text: `MMP FROZEN: ${t.scope} on ${t.accountLabel} (${t.venue}) at ${new Date(t.at).toISOString()}, ${until}`,
    event: "mmp.frozen",
    row: {
      id: t.rowId,
      accountId: t.accountId,
      accountLabel: t.accountLabel,
      venue: t.venue,
      scope: t.scope,
    },
    at: new Date(t.at).toISOString(),
    frozenUntil: t.frozenUntil === null ? null : new Date(t.frozenUntil).toISOString(),
  };
  await post(url, body, t.rowId);
}

/** Once per drift (lib/live/drift-alerts.ts): which fields left their desired values, or that
 * MMP is off at the venue. */
export async function sendDriftWebhook(
  row: MmpRow,
  drift: RowDrift,
  url = env().MMP_ALERT_WEBHOOK_URL,
): Promise<void> {
  if (!url) return;
  const what = drift.off
    ? "MMP is OFF at the venue"
    : drift.fields
        .map((f) => `${f.label} ${String(f.live)} (desired ${String(f.desired)})`)
        .join(", ");
  await post(
    url,
    {
      text: `MMP LIMITS DRIFT: ${row.scope} on ${row.accountLabel} (${row.venue}): ${what}`,
      event: drift.off ? "mmp.protection_off" : "mmp.limits_drift",
      row: {
        id: row.id,
        accountId: row.accountId,
        accountLabel: row.accountLabel,
        venue: row.venue,
        scope: row.scope,
      },
      drift,
      at: new Date(drift.since).toISOString(),
    },
    row.id,
  );
}

async function post(url: string, body: unknown, rowId: string): Promise<void> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(3000),
      redirect: "error",
    });
    if (!res.ok) log.warn({ status: res.status, row: rowId }, "alert webhook answered an error");
  } catch (err) {
    log.warn(
      { err: err instanceof Error ? err.message : String(err), row: rowId },
      "alert webhook failed",
    );
  }
}
