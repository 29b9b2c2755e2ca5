import "server-only";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  type AccountConfig,
  type AppConfigFile,
  type LimitPolicy,
  type UserConfig,
} from "@/lib/config/schema";
import { configSchema, describeConfigError } from "@/lib/config/schema";
import { Secret } from "@/lib/config/secret";
import { type KeyType } from "@/lib/config/schema";

export interface Credentials {
  apiKey: string;
  /** HMAC secret, or a PEM private key when keyType is "rsa" / "ed25519". */
  apiSecret: Secret;
  passphrase: Secret | null;
  keyType: KeyType;
}

export interface ResolvedAccount extends AccountConfig {
  /** null when an env var is missing: the account shows as misconfigured instead of crashing. */
  credentials: Credentials | null;
  /** Names (never values) of the missing environment variables. */
  missingEnv: string[];
}

export interface LoadedConfig {
  demo: boolean;
  /** Where the config came from, for the start-up log. */
  source: string;
  accounts: ResolvedAccount[];
  users: UserConfig[];
  /** The firm's bounds on MMP limit changes, when the file sets any. */
  limitPolicy?: LimitPolicy;
}

/** Environment variables (process.env, or a test's own map). */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

const DEFAULT_CONFIG_PATH = "./mmp.config.json";

/** Which file to read, or null for demo mode (MMP_DEMO=1 forces it). An explicit MMP_CONFIG
 * that does not exist is an error, never a silent fall-back to the simulator. */
export function configPathFromEnv(env: Env): string | null {
  if (env.MMP_DEMO === "1") return null;
  if (env.MMP_CONFIG) {
    const path = resolve(env.MMP_CONFIG);
    if (!existsSync(path)) throw new ConfigError(`MMP_CONFIG names ${path}, which does not exist`);
    return path;
  }
  const fallback = resolve(DEFAULT_CONFIG_PATH);
  return existsSync(fallback) ? fallback : null;
}

export function parseConfigFile(path: string): AppConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(
      `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`invalid config ${path}:\n${describeConfigError(parsed.error)}`);
  }
  return parsed.data;
}

export function resolveAccounts(file: AppConfigFile, env: Env): ResolvedAccount[] {
  return file.accounts.map((account) => {
    const names = [account.apiKeyEnv, account.apiSecretEnv];
    if (account.passphraseEnv) names.push(account.passphraseEnv);
    const missingEnv = names.filter((name) => !env[name]);
    const credentials: Credentials | null =
      missingEnv.length > 0
        ? null
        : {
            apiKey: env[account.apiKeyEnv] ?? "",
            apiSecret: new Secret(env[account.apiSecretEnv] ?? ""),
            passphrase: account.passphraseEnv ? new Secret(env[account.passphraseEnv] ?? "") : null,
            keyType: account.keyType,
          };
    return { ...account, credentials, missingEnv };
  });
}
