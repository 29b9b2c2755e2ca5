import "server-only";
import { statSync } from "node:fs";
import type { LoadedConfig } from "@/lib/config/load";
import { configPathFromEnv, parseConfigFile, resolveAccounts } from "@/lib/config/load";
import { createDemoSetup, printDemoUsers } from "@/lib/config/demo";
import { hashPassword } from "@/lib/auth/passwords";
import { singleton } from "@/lib/server/singleton";
import { log } from "@/lib/server/log";

interface ConfigState {
  current: LoadedConfig | null;
  starting: Promise<LoadedConfig> | null;
  /** The file and its modification time, to reload it when an operator edits it. */
  file: { path: string; mtimeMs: number } | null;
}

const state = singleton<ConfigState>("config", () => ({
  current: null,
  starting: null,
  file: null,
}));

/** Loads the config once per process (start-up, from instrumentation.ts); in demo mode it also
 * starts the built-in simulator. Safe to call again: later calls share the first result. */
export function initConfig(): Promise<LoadedConfig> {
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
  const path = configPathFromEnv(process.env);
  if (path) {
    state.file = { path, mtimeMs: statSync(path).mtimeMs };
    const file = parseConfigFile(path);
    const config: LoadedConfig = {
      demo: false,
      source: path,
      accounts: resolveAccounts(file, process.env),
      users: file.users,
    };
    for (const account of config.accounts.filter((a) => a.missingEnv.length > 0)) {
      log.warn(
        { account: account.id, missingEnv: account.missingEnv },
        "account misconfigured: missing environment variables",
      );
    }
    return config;
  }
  return startDemo();
}

async function startDemo(): Promise<LoadedConfig> {
  // Loaded lazily so production configs never load simulator code.
  const { startSimulator } = await import("@/lib/simulator");
  const demo = createDemoSetup();
  const sim = await startSimulator({
    accounts: demo.simAccounts,
    port: Number(process.env.MMP_SIM_PORT ?? 0),
    fillGenerator: true,
  });
  const env = { ...process.env, ...demo.env };
  const file = demo.file(sim.url);
  log.info(
    { simulator: sim.url },
    "demo mode: no MMP_CONFIG and no ./mmp.config.json; using the built-in simulator",
  );
  const users = await Promise.all(
    demo.users.map(async (u) => ({
      username: u.username,
      role: u.role,
      passwordHash: await hashPassword(u.password),
    })),
  );
  printDemoUsers(demo.users);
  return {
    demo: true,
    source: `demo (simulator ${sim.url})`,
    accounts: resolveAccounts(file, env),
    users,
  };
}
