import "server-only";
import { statSync } from "node:fs";
import type { LoadedConfig } from "@/lib/config/load";
import {
  ConfigError,
  configPathFromEnv,
  parseConfigFile,
  resolveAccounts,
} from "@/lib/config/load";
import { env } from "@/lib/platform/env";
import { singleton } from "@/lib/platform/singleton";
import { log } from "@/lib/platform/log";

interface ConfigState {
  current: LoadedConfig | null;
  /** Builds the demo configuration when no config file is named (registered by the composition
   * root, lib/server/start.ts, so that config code never loads the simulator). */
  demo: (() => Promise<LoadedConfig>) | null;
  starting: Promise<LoadedConfig> | null;
  /** The file and its modification time, to reload it when an operator edits it. */
  file: { path: string; mtimeMs: number } | null;
}

const state = singleton<ConfigState>("config", () => ({
  current: null,
  demo: null,
  starting: null,
  file: null,
}));

/** Loads the config once per process (start-up, from instrumentation.ts); without a config file
 * it asks the registered demo bootstrap. Safe to call again: later calls share the first result. */
export function initConfig(demo?: () => Promise<LoadedConfig>): Promise<LoadedConfig> {
  if (demo) state.demo = demo;
  state.starting ??= load().then((config) => {
    state.current = config;
    return config;
  });
  return state.starting;
}

export async function getConfig(): Promise<LoadedConfig> {
  if (!state.current) return initConfig();
  reloadIfChanged();
  return state.current;
}

/** Re-reads the config file when it changed (a stat per call). A broken edit keeps the last good
 * config and says so in the log, rather than taking the desk down. */
function reloadIfChanged(): void {
  const file = state.file;
  if (!file || !state.current) return;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file.path).mtimeMs;
  } catch {
    return;
  }
  if (mtimeMs === file.mtimeMs) return;
  file.mtimeMs = mtimeMs;
  try {
    const parsed = parseConfigFile(file.path);
    state.current = {
      ...state.current,
      accounts: resolveAccounts(parsed, process.env),
      users: parsed.users,
      limitPolicy: parsed.limitPolicy,
    };
    log.info({ source: file.path }, "configuration reloaded");
  } catch (err) {
    log.error(
      { err: err instanceof Error ? err.message : String(err) },
      "configuration change ignored: invalid file",
    );
  }
}

async function load(): Promise<LoadedConfig> {
  // Account secrets are read from the whole environment (process.env) below: their names come
  // from the config file, so lib/platform/env.ts cannot list them.
  const { MMP_CONFIG, MMP_DEMO } = env();
  const path = configPathFromEnv({ MMP_CONFIG, MMP_DEMO });
  if (path) {
    state.file = { path, mtimeMs: statSync(path).mtimeMs };
    const file = parseConfigFile(path);
    const config: LoadedConfig = {
      demo: false,
      source: path,
      accounts: resolveAccounts(file, process.env),
      users: file.users,
      limitPolicy: file.limitPolicy,
    };
    for (const account of config.accounts.filter((a) => a.missingEnv.length > 0)) {
      log.warn(
        { account: account.id, missingEnv: account.missingEnv },
        "account misconfigured: missing environment variables",
      );
    }
    return config;
  }
  if (!state.demo) {
    throw new ConfigError(
      "no MMP_CONFIG and no ./mmp.config.json, and demo mode was not started by this process",
    );
  }
  return state.demo();
}
