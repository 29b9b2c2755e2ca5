import "server-only";
import { applyPushTrigger } from "@/lib/live/account-state";
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

export function ensurePush(account: VenueAccount): void {
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
