import "server-only";
import { hashPassword } from "@/lib/auth/passwords";
import type { LoadedConfig } from "@/lib/config/load";
import { resolveAccounts } from "@/lib/config/load";
import { env as appEnv } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { createDemoSetup, printDemoUsers } from "@/lib/server/demo-setup";

// Demo mode's bootstrap: start the built-in simulator, make the demo users and print them. Part of
// the composition root: config code only reads and validates, it never starts anything.

export async function startDemo(): Promise<LoadedConfig> {
  // Loaded lazily so production configs never load simulator code.
  const { startSimulator } = await import("@/simulator");
  const demo = createDemoSetup();
  const sim = await startSimulator({
    accounts: demo.simAccounts,
    port: appEnv().MMP_SIM_PORT,
    fillGenerator: true,
  });
  // Account secrets are looked up by the names the config file gives (see lib/config/load.ts).
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
