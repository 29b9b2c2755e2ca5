import "server-only";
import { applyPushTrigger, setSparse } from "@/lib/live/account-state";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";
import type { VenueAccount } from "@/lib/venues/account";
import type { PushSubscription } from "@/lib/venues/types";

// Venue push channels (where a venue has one): a trigger updates the row at once; REST polling
// stays the source of truth and fills in anything a dropped connection missed.

interface PushEntry {
  subscription: PushSubscription;
  connected: boolean;
  detail: string;
}

const subscriptions = singleton("push-subscriptions", () => new Map<string, PushEntry>());

/** Starts the account's push channel if its venue has one. `onSparseEnd` runs when the channel
 * goes down on an account read sparsely meanwhile, so that normal polling resumes at once. */
export function ensurePush(account: VenueAccount, onSparseEnd: () => void = () => {}): void {
  const { id } = account.account;
  if (account.problem || !account.adapter.subscribe || subscriptions.has(id)) return;
  const scopes = account.account.scopes ?? [];
  if (scopes.length === 0) return;
  const entry: PushEntry = {
    subscription: { close: async () => undefined },
    connected: false,
    detail: "connecting",
  };
  subscriptions.set(id, entry);
  entry.subscription = account.adapter.subscribe(account.ctx, scopes, {
    onTrigger({ scope, frozenUntil, blockRfq }) {
      if (blockRfq) {
        // Not the quoting MMP the desk's rows show: said loudly, no row is marked frozen.
        log.warn({ account: id, scope, frozenUntil }, "venue pushed a Block RFQ MMP trigger");
        return;
      }
      log.info({ account: id, scope }, "venue pushed an MMP trigger");
      // The store announces the frozen row (lib/live/publish.ts sends it on).
      applyPushTrigger(account, scope, frozenUntil);
    },
    onStatus({ connected, detail }) {
      entry.connected = connected;
      entry.detail = detail;
      log.info({ account: id, connected, detail }, "push channel status");
      // Triggers arrive by the channel while it is up: the polls only confirm, and where they
      // spend the account's quoting credits they become sparse (docs/venues.md).
      if (account.adapter?.sparseWhenPushed) {
        setSparse(account, connected);
        if (!connected) onSparseEnd();
      }
    },
  });
}

export async function stopPush(accountId: string): Promise<void> {
  const entry = subscriptions.get(accountId);
  subscriptions.delete(accountId);
  await entry?.subscription.close();
}

export function pushStatus(): { accountId: string; connected: boolean; detail: string }[] {
  return [...subscriptions].map(([accountId, e]) => ({
    accountId,
    connected: e.connected,
    detail: e.detail,
  }));
}
