import "server-only";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import type { RowTransition } from "@/lib/model/types";

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
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(3000),
      redirect: "error",
    });
    if (!res.ok) log.warn({ status: res.status, row: t.rowId }, "alert webhook answered an error");
  } catch (err) {
    log.warn(
      { err: err instanceof Error ? err.message : String(err), row: t.rowId },
      "alert webhook failed",
    );
  }
}
