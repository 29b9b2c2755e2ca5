import "server-only";
import type { LoadedConfig, ResolvedAccount } from "@/lib/config/load";
import { settings, type Settings } from "@/lib/config/settings";
import type { RowProblem } from "@/lib/model/types";
import type { GuardTarget } from "@/lib/venues/guard";
import { adapterFor } from "@/lib/venues/registry";
import type { AdapterContext, VenueAdapter } from "@/lib/venues/types";

// An account as the venue layer uses it: its adapter, the context every adapter call takes, the
// guard target its requests answer to, and why it cannot be used at all (if it cannot). Resolved
// once per loaded configuration (a reload makes new account objects, hence new resolutions), so
// the live pipeline and the reset use case never look the adapter up again.

interface Common {
  account: ResolvedAccount;
}

/** An account that can be read and reset. */
export interface UsableVenueAccount extends Common {
  problem: null;
  adapter: VenueAdapter;
  ctx: AdapterContext;
  guard: GuardTarget;
}

/** Why an account cannot be used at all (shown on its rows; a reset is refused with it). */
export interface AccountProblem extends RowProblem {
  code: "misconfigured" | "venue_not_supported";
}

/** An account that cannot be read: misconfigured, or its venue has no adapter in this build. */
export interface BlockedVenueAccount extends Common {
  problem: AccountProblem;
  /** Known when the venue has an adapter (the monitor still paces by its rate budget). */
  adapter: VenueAdapter | null;
}

export type VenueAccount = UsableVenueAccount | BlockedVenueAccount;

/** Why an account cannot be read at all, or null when it can. */
function problemOf(account: ResolvedAccount, adapter: VenueAdapter | null): AccountProblem | null {
  if (account.missingEnv.length > 0) {
    return {
      code: "misconfigured",
      message: `misconfigured: missing environment variable(s) ${account.missingEnv.join(", ")}`,
    };
  }
  if (!adapter) {
    return {
      code: "venue_not_supported",
      message: `venue "${account.venue}" is not supported by this build yet`,
    };
  }
  if (!adapter.keyTypes.includes(account.keyType)) {
    return {
      code: "misconfigured",
      message: `misconfigured: ${adapter.label} does not accept ${account.keyType} keys`,
    };
  }
  if (adapter.needsPassphrase && !account.passphraseEnv) {
    return {
      code: "misconfigured",
      message: `misconfigured: ${adapter.label} accounts need passphraseEnv`,
    };
  }
  return null;
}

export function resolveVenueAccount(account: ResolvedAccount, s: Settings): VenueAccount {
  const adapter = adapterFor(account.venue);
  const problem = problemOf(account, adapter);
  // (problemOf already refuses a missing adapter or missing credentials; the test narrows types.)
  if (problem || !adapter || !account.credentials)
    return {
      account,
      adapter,
      problem: problem ?? { code: "misconfigured", message: "misconfigured" },
    };
  return {
    account,
    problem: null,
    adapter,
    ctx: {
      accountId: account.id,
      baseUrl: account.baseUrl,
      credentials: account.credentials,
      timeouts: { readMs: s.readTimeoutMs, resetMs: s.resetTimeoutMs },
      demoTrading: account.demoTrading,
    },
    guard: {
      accountId: account.id,
      venue: account.venue,
      baseUrl: account.baseUrl,
      limit: account.requestsPerSecond
        ? // Twice the rate as a burst, and at least 4: a read of two calls above the token kept
          // for resets, and room for a reset after a quiet spell.
          {
            perSecond: account.requestsPerSecond,
            burst: Math.max(4, 2 * account.requestsPerSecond),
          }
        : adapter.rateLimit,
      ...(adapter.hostLimit
        ? { hostLimit: () => adapter.hostLimit?.(account.baseUrl) ?? null }
        : {}),
      ...(adapter.mutationLimit ? { mutationLimit: adapter.mutationLimit } : {}),
    },
  };
}

// Keyed by the configuration object: initConfig and every reload (lib/config/runtime.ts) make a
// new one. Deliberately per bundle, not a process-wide singleton: an adapter's HTTP calls find
// their guard context through the AsyncLocalStorage of their own bundle's modules, so each Next
// bundle must call the adapters it imported itself.
const resolved = new WeakMap<LoadedConfig, ReadonlyMap<string, VenueAccount>>();

function resolvedFor(config: LoadedConfig): ReadonlyMap<string, VenueAccount> {
  let byId = resolved.get(config);
  if (!byId) {
    const s = settings();
    byId = new Map(config.accounts.map((a) => [a.id, resolveVenueAccount(a, s)]));
    resolved.set(config, byId);
  }
  return byId;
}

/** Every account of the configuration, resolved, in configuration order. */
export function venueAccounts(config: LoadedConfig): VenueAccount[] {
  return [...resolvedFor(config).values()];
}

export function venueAccount(config: LoadedConfig, accountId: string): VenueAccount | null {
  return resolvedFor(config).get(accountId) ?? null;
}
