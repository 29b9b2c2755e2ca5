import { generateKeyPairSync } from "node:crypto";
import fixture from "./fixture-accounts.json" with { type: "json" };
import { hash } from "@node-rs/argon2";
import { type AppConfigFile } from "@/lib/config/schema";
import { type Role } from "@/lib/model/roles";
import type { SimAccountSpec } from "@/simulator/types";

// Test accounts shared by the integration and browser tests. The same file feeds the build step
// of scripts/test-all.sh, so the production bundle is built with these secrets in its environment
// and the secret scan has something real to look for. Key-pair accounts get a fresh key pair per
// process: the private key (PEM) goes to the app, the public key to the simulator.

export interface FixtureAccount extends SimAccountSpec {
  label: string;
  /** The secret the app is given, when it deliberately differs from the simulator's. */
  appSecret?: string;
  /** The app's environment lacks this account's variables (shows as misconfigured). */
  omitEnv?: boolean;
}

function withKeys(a: FixtureAccount): FixtureAccount {
  if (a.keyType !== "rsa" && a.keyType !== "ed25519") return a;
  const pair =
    a.keyType === "rsa"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : generateKeyPairSync("ed25519");
  return {
    ...a,
    secret: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export const FIXTURE_ACCOUNTS = (fixture.accounts as FixtureAccount[]).map(withKeys);

export const fixtureAccount = (id: string): FixtureAccount => {
  const found = FIXTURE_ACCOUNTS.find((a) => a.id === id);
  if (!found) throw new Error(`no fixture account ${id}`);
  return found;
};

const envName = (id: string, part: "KEY" | "SECRET" | "PASSPHRASE") =>
  `MMP_TEST_${id.toUpperCase().replace(/-/g, "_")}_${part}`;

/** The audit trail's HMAC key of the app under test (MMP_AUDIT_KEYS: `id:base64`, 32 bytes). */
export const FIXTURE_AUDIT_KEY = Buffer.from("test-only-audit-key-0123456789ab").toString("base64");
export const FIXTURE_AUDIT_KEYS = `fixture:${FIXTURE_AUDIT_KEY}`;

export function fixtureEnv(): Record<string, string> {
  const env: Record<string, string> = { MMP_AUDIT_KEYS: FIXTURE_AUDIT_KEYS };
  for (const a of FIXTURE_ACCOUNTS) {
    if (a.omitEnv) continue;
    env[envName(a.id, "KEY")] = a.apiKey;
    env[envName(a.id, "SECRET")] = a.appSecret ?? a.secret;
    if (a.passphrase) env[envName(a.id, "PASSPHRASE")] = a.passphrase;
  }
  return env;
}

/** Test users, one or more per role; the password of each is `pw-<username>`. */
export const FIXTURE_USERS: { username: string; role: Role }[] = [
  { username: "viewer1", role: "viewer" },
  { username: "screen1", role: "screen" },
  { username: "admin1", role: "admin" },
  // A second admin: a limit change needs another person's approval (issue 15).
  { username: "admin2", role: "admin" },
  ...Array.from({ length: 10 }, (_, i) => ({
    username: `trader${i + 1}`,
    role: "trader" as const,
  })),
];
export const passwordOf = (username: string) => `pw-${username}`;

export async function fixtureUsers(): Promise<AppConfigFile["users"]> {
  return Promise.all(
    FIXTURE_USERS.map(async (u) => ({ ...u, passwordHash: await hash(passwordOf(u.username)) })),
  );
}

export function fixtureConfig(baseUrl: string, users: AppConfigFile["users"] = []): AppConfigFile {
  return {
    accounts: FIXTURE_ACCOUNTS.map((a) => ({
      id: a.id,
      label: a.label,
      venue: a.venue,
      baseUrl,
      apiKeyEnv: envName(a.id, "KEY"),
      apiSecretEnv: envName(a.id, "SECRET"),
      ...(a.passphrase ? { passphraseEnv: envName(a.id, "PASSPHRASE") } : {}),
      demoTrading: false,
      keyType: a.keyType ?? "hmac",
      scopes: a.scopes.map((s) => s.scope),
    })),
    users,
  };
}

/** Every secret value a test must never find in a response, a log or the client bundle. PEM keys
 * are checked by their base64 body, which is what a leak would contain. */
export const FIXTURE_SECRETS = [
  ...FIXTURE_ACCOUNTS.flatMap((a) => [
    a.secret,
    ...(a.appSecret ? [a.appSecret] : []),
    ...(a.passphrase ? [a.passphrase] : []),
  ]).map((s) => (s.includes("-----BEGIN") ? s.split("\n")[1]! : s)),
  FIXTURE_AUDIT_KEY,
];

export function simAccounts(): SimAccountSpec[] {
  return FIXTURE_ACCOUNTS.map((a) => ({
    id: a.id,
    venue: a.venue,
    apiKey: a.apiKey,
    secret: a.secret,
    scopes: a.scopes,
    demoTrading: false,
    keyType: a.keyType,
    publicKeyPem: a.publicKeyPem,
    mmpEnabled: a.mmpEnabled,
    passphrase: a.passphrase,
    deadMan: a.deadMan,
  }));
}
