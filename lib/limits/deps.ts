import "server-only";
import { getConfig } from "@/lib/config/runtime";
import type { LimitPolicy } from "@/lib/config/schema";
import { settings, type Settings } from "@/lib/config/settings";
import { getDb, type Db } from "@/lib/db/client";
import { env } from "@/lib/platform/env";
import { venueAccount, type VenueAccount } from "@/lib/venues/account";
import { defaultGuardDeps, type GuardDeps } from "@/lib/venues/guard";

// What the limit-change use cases work with, passed in (like lib/desk/reset-deps.ts): the app
// uses the process's own; tests pass their own accounts, database and clock.
export interface LimitDeps {
  account(accountId: string): Promise<VenueAccount | null>;
  settings(): Pick<Settings, "readTimeoutMs" | "resetTimeoutMs">;
  guard(): GuardDeps;
  db(): Promise<Db>;
  now(): number;
  /** How long a request waits for approval (MMP_LIMIT_APPROVAL_TTL_MS). */
  approvalTtlMs(): number;
  /** The firm's bounds on limits (the config file's limitPolicy), if any. */
  policy(): Promise<LimitPolicy | undefined>;
}

export function limitDefaults(): LimitDeps {
  return {
    account: async (accountId) => venueAccount(await getConfig(), accountId),
    settings,
    guard: defaultGuardDeps,
    db: getDb,
    now: Date.now,
    approvalTtlMs: () => env().MMP_LIMIT_APPROVAL_TTL_MS,
    policy: async () => (await getConfig()).limitPolicy,
  };
}
