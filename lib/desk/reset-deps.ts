import "server-only";
import { getConfig } from "@/lib/config/runtime";
import { settings, type Settings } from "@/lib/config/settings";
import { getDb, type Db } from "@/lib/db/client";
import {
  readAccount,
  readAccountNow,
  readProblem,
  readStartedAt,
  rowsOf,
} from "@/lib/live/account-state";
import { venueAccount, type VenueAccount } from "@/lib/venues/account";
import { defaultGuardDeps, type GuardDeps } from "@/lib/venues/guard";

// Everything the reset use case works with, passed in. The app uses the process's own (the
// configuration as loaded and reloaded, the shared account-state store, the process-wide venue
// guard, the process's database); tests pass a configuration of their own against the simulator,
// a fresh database and short timeouts, and run the real code in-process.

/** The account-state store's reads (lib/live/account-state.ts). */
export interface AccountReads {
  readAccount: typeof readAccount;
  readAccountNow: typeof readAccountNow;
  readProblem: typeof readProblem;
  readStartedAt: typeof readStartedAt;
  rowsOf: typeof rowsOf;
}

export interface ResetDeps {
  /** The account as configured now, resolved for its venue, or null when there is none. */
  account(accountId: string): Promise<VenueAccount | null>;
  settings(): Pick<Settings, "resetFreshMs" | "resetTimeoutMs" | "readTimeoutMs">;
  state: AccountReads;
  guard(): GuardDeps;
  /** Where row locks, open attempts and each row's last reset live. */
  db(): Promise<Db>;
  now(): number;
  /** After an unknown outcome whose re-read failed too: when to look again, in the background. */
  recheckDelaysMs: readonly number[];
}

export function resetDefaults(): ResetDeps {
  return {
    account: async (accountId) => venueAccount(await getConfig(), accountId),
    settings,
    state: { readAccount, readAccountNow, readProblem, readStartedAt, rowsOf },
    guard: defaultGuardDeps,
    db: getDb,
    now: Date.now,
    recheckDelaysMs: [2000, 5000, 15_000],
  };
}

/** Longest a reset can take: its fresh read, the venue call, the re-read after an unknown
 * outcome, and margin. A row lock outlives it; a repeated idempotency key waits this long. */
export function resetMaxMs(s: Pick<Settings, "resetTimeoutMs" | "readTimeoutMs">): number {
  return s.resetTimeoutMs + 2 * s.readTimeoutMs + 5000;
}
