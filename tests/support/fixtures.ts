import fixture from "./fixture-accounts.json";
import type { AppConfigFile } from "@/lib/config/schema";
import type { SimAccountSpec } from "@/lib/simulator/types";

// Test accounts shared by the integration and browser tests. The same file feeds the build step
// of scripts/test-all.sh, so the production bundle is built with these secrets in its environment
// and the secret scan has something real to look for.

export interface FixtureAccount extends SimAccountSpec {
  label: string;
  /** The secret the app is given, when it deliberately differs from the simulator's. */
  appSecret?: string;
  /** The app's environment lacks this account's variables (shows as misconfigured). */
  omitEnv?: boolean;
}

export const FIXTURE_ACCOUNTS = fixture.accounts as FixtureAccount[];

const envName = (id: string, part: "KEY" | "SECRET") => `MMP_TEST_${id.toUpperCase().replace(/-/g, "_")}_${part}`;

export function fixtureEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const a of FIXTURE_ACCOUNTS) {
    if (a.omitEnv) continue;
    env[envName(a.id, "KEY")] = a.apiKey;
    env[envName(a.id, "SECRET")] = a.appSecret ?? a.secret;
  }
  return env;
}

export function fixtureConfig(baseUrl: string): AppConfigFile {
  return {
    accounts: FIXTURE_ACCOUNTS.map((a) => ({
      id: a.id,
      label: a.label,
      venue: a.venue,
      baseUrl,
      apiKeyEnv: envName(a.id, "KEY"),
      apiSecretEnv: envName(a.id, "SECRET"),
      scopes: a.scopes.map((s) => s.scope),
    })),
    users: [],
  };
}

/** Every secret value a test must never find in a response, a log or the client bundle. */
export const FIXTURE_SECRETS = FIXTURE_ACCOUNTS.flatMap((a) => [a.secret, ...(a.appSecret ? [a.appSecret] : [])]);

export function simAccounts(): SimAccountSpec[] {
  return FIXTURE_ACCOUNTS.map(({ id, venue, apiKey, secret, scopes }) => ({ id, venue, apiKey, secret, scopes }));
}
