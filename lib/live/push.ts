import "server-only";
import type { ResolvedAccount } from "@/lib/config/load";
import { publishAccount } from "@/lib/live/publish";
import { adapterContext, applyPushTrigger } from "@/lib/live/account-state";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";
import { adapterFor } from "@/lib/venues/registry";
import type { PushSubscription } from "@/lib/venues/types";

// Venue push channels (where a venue has one): a trigger updates the row at once; REST polling
// stays the source of truth and fills in anything a dropped connection missed.

interface PushEntry {
  subscription: PushSubscription;
  connected: boolean;
  detail: string;
}

const subscriptions = singleton("push-subscriptions", () => new Map<string, PushEntry>());

export function ensurePush(account: ResolvedAccount): void {
  const adapter = adapterFor(account.venue);
  const ctx = adapterContext(account);
  if (!adapter?.subscribe || !ctx || subscriptions.has(account.id)) return;
  const scopes = account.scopes ?? [];
  if (scopes.length === 0) return;
  const entry: PushEntry = {
    subscription: { close: async () => undefined },
    connected: false,
    detail: "connecting",
  };
  subscriptions.set(account.id, entry);
  entry.subscription = adapter.subscribe(ctx, scopes, {
    onTrigger({ scope, frozenUntil }) {
      log.info({ account: account.id, scope }, "venue pushed an MMP trigger");
      if (applyPushTrigger(account, scope, frozenUntil)) publishAccount(account);
    },
    onStatus({ connected, detail }) {
      entry.connected = connected;
      entry.detail = detail;
      log.info({ account: account.id, connected, detail }, "push channel status");
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
