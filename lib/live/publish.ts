import "server-only";
import { recordFreeze, recordUnfreeze } from "@/lib/live/trigger-history";
import { hub } from "@/lib/live/hub";
import { clustered, isRecorder } from "@/lib/live/cluster/role";
import { shareAccount } from "@/lib/live/cluster/sync";
import { sendFreezeWebhook } from "@/lib/live/webhook";
import { onAccountChange, rowsOf } from "@/lib/live/account-state";
import type { MmpStatus, RowTransition } from "@/lib/model/types";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";
import type { VenueAccount } from "@/lib/venues/account";

// Publishes an account's rows to every open stream and turns status changes into transitions.
// A transition is between KNOWN states (active / frozen / disabled): a freeze seen through a
// venue outage (frozen → unknown → frozen) is one freeze, so it alerts, records history and calls
// the webhook once. The diff runs synchronously, so concurrent publishers cannot double-count.
//
// Nothing calls this module per change: the account-state store announces every change, and
// startPublishing() (called once at start-up) listens to it.

const lastKnown = singleton("last-known-status", () => new Map<string, MmpStatus>());

/** Publishes every change of the account-state store from now on. Idempotent per process: Next
 * may load this module once per bundle, and each copy may be asked to start. */
export function startPublishing(): void {
  singleton("live-publishing", () =>
    onAccountChange(({ account, remote }) => publishAccount(account, remote)),
  );
}

/** remote: the state came from another process (do not share it back). */
function publishAccount(account: VenueAccount, remote: boolean): void {
  const now = Date.now();
  const rows = rowsOf(account, now);
  const transitions: RowTransition[] = [];
  for (const row of rows) {
    if (row.status === "unknown") continue;
    const before = lastKnown.get(row.id);
    lastKnown.set(row.id, row.status);
    if (before === row.status) continue;
    if (before === undefined && row.status !== "frozen") continue;
    transitions.push({
      rowId: row.id,
      accountId: row.accountId,
      accountLabel: row.accountLabel,
      venue: row.venue,
      scope: row.scope,
      from: before ?? "unknown",
      to: row.status,
      at: now,
      frozenUntil: row.frozenUntil,
    });
  }
  const accountId = account.account.id;
  hub.emit("account", { accountId, serverTime: now, rows });
  if (clustered() && !remote) {
    shareAccount(accountId).catch((err: unknown) =>
      log.error({ err, account: accountId }, "could not share live state"),
    );
  }
  for (const t of transitions) {
    hub.emit("transition", t);
    // Every process alerts its own browsers; only one records history and calls the webhook.
    if (isRecorder()) void record(t, rows.find((r) => r.id === t.rowId) ?? null);
  }
}

async function record(
  t: RowTransition,
  row: ReturnType<typeof rowsOf>[number] | null,
): Promise<void> {
  try {
    if (t.to === "frozen" && row) {
      // A freeze already open in the history (seen before a restart, or by another process) is
      // not a new freeze: no second event, no second webhook.
      // Since when, as the desk shows it (lib/live/freeze-since.ts), so a restart shows the same.
      const at = row.frozenSince ?? (t.from === "unknown" ? (row.lastTriggerAt ?? t.at) : t.at);
      if (await recordFreeze(row, at)) await sendFreezeWebhook(t);
    } else if (t.from === "frozen") {
      await recordUnfreeze(t.rowId, t.at);
    }
  } catch (err) {
    log.error({ err, row: t.rowId }, "could not record a trigger transition");
  }
}
