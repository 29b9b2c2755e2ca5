import "server-only";
import type { LoadedConfig } from "@/lib/config/load";
import { configPathFromEnv, parseConfigFile, resolveAccounts } from "@/lib/config/load";
import { createDemoSetup } from "@/lib/config/demo";
import { singleton } from "@/lib/server/singleton";
import { log } from "@/lib/server/log";

interface ConfigState {
  current: LoadedConfig | null;
  starting: Promise<LoadedConfig> | null;
}

const state = singleton<ConfigState>("config", () => ({ current: null, starting: null }));

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
  return state.current ?? initConfig();
}

async function load(): Promise<LoadedConfig> {
  const path = configPathFromEnv(process.env);
  if (path) {
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
  return {
    demo: true,
    source: `demo (simulator ${sim.url})`,
    accounts: resolveAccounts(file, env),
    users: file.users,
  };
}
