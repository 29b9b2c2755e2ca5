import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "@/simulator";
import type { SimHandle } from "@/simulator/types";
import { type AppConfigFile } from "@/lib/config/schema";
import { fixtureConfig, fixtureEnv, fixtureUsers, simAccounts } from "./fixtures";
import { waitFor } from "./wait";

// Starts the built-in simulator in this process and the *production build* of the app as a child
// process (`next start`) configured against it. Tests then talk to both over HTTP only.

export interface AppUnderTest {
  url: string;
  sim: SimHandle;
  logs: () => string;
  stop: () => Promise<void>;
  /** Rewrites the config file (the app reloads it on its next request). */
  editConfig: (edit: (config: AppConfigFile) => AppConfigFile) => void;
  sqlitePath: string;
  /** The `next start` child's process id (for memory readings in bench/). */
  pid: number | undefined;
  /** Kills the app process without a clean shutdown (SIGKILL), as a crash would. */
  crash?: () => Promise<void>;
  /** Starts the app again (after crash() or stop()) on the same port, database, configuration,
   * environment (plus `env`, e.g. a rotated NEXTAUTH_SECRET) and simulator; resolves when it
   * serves requests. */
  restart?: (env?: Record<string, string>) => Promise<void>;
  /** Resolves once the app process has exited, with its exit code or signal (for tests that
   * stop it themselves, e.g. with SIGTERM). */
  exited?: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Point the app at this PostgreSQL database instead of a temp SQLite file. */
  databaseUrl?: string;
  /** Use this simulator (shared by several app processes) instead of starting one. */
  sim?: SimHandle;
  /** Use this SQLite file (e.g. one the bench seeded) instead of a new one in a temp folder. */
  sqlitePath?: string;
  /** Changes the fixture configuration before the app first reads it. */
  config?: (config: AppConfigFile) => AppConfigFile;
}

export async function startAppUnderTest(options: StartOptions = {}): Promise<AppUnderTest> {
  const ownSim = !options.sim;
  const sim = options.sim ?? (await startSimulator({ accounts: simAccounts() }));
  const dir = mkdtempSync(join(tmpdir(), "mmp-app-"));
  const configPath = join(dir, "mmp.config.json");
  let config = fixtureConfig(sim.url, await fixtureUsers());
  if (options.config) config = options.config(config);
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const editConfig = (edit: (c: AppConfigFile) => AppConfigFile) => {
    config = edit(config);
    writeFileSync(configPath, JSON.stringify(config, null, 2));
  };
  const sqlitePath = options.sqlitePath ?? join(dir, "mmp.sqlite");
  let port = await freePort();
  let url = `http://127.0.0.1:${port}`;
  let output = "";
  const launch = (extraEnv: Record<string, string> = {}): ChildProcess => {
    const child: ChildProcess = spawn(
      process.execPath,
      ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"],
      {
        env: {
          ...process.env,
          ...fixtureEnv(),
          NODE_ENV: "production",
          MMP_CONFIG: configPath,
          MMP_READ_TIMEOUT_MS: "1500",
          MMP_RESET_TIMEOUT_MS: "1500",
          MMP_POLL_INTERVAL_MS: "1000",
          // Tests restore the simulator between cases, and a restored freeze is not pushed the
          // way a venue pushes a trigger: sparse reads (5 s) would leave it unseen for seconds.
          // The test of sparse reading sets its own interval (tests/integration/live.test.ts).
          MMP_PUSHED_POLL_INTERVAL_MS: "1000",
          MMP_SQLITE_PATH: sqlitePath,
          ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
          NEXTAUTH_URL: url,
          NEXTAUTH_SECRET: "test-only-nextauth-secret-0123456789abcdef",
          LOG_LEVEL: "info",
          ...options.env,
          ...extraEnv,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    return child;
  };
  let child = launch();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    if (ownSim) await sim.close();
  };
  const ready = () =>
    waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`app exited early:\n${output}`);
      const res = await fetch(`${url}/api/auth/csrf`).catch(() => null);
      return res?.status === 200;
    }, 60_000);
  // Another process may take the free port between freePort() and the app's listen (the system
  // hands out the same range to outgoing connections, and files run three at a time): the app
  // then exits with EADDRINUSE, and starts again on another port.
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await ready();
        break;
      } catch (err) {
        if (attempt >= 3 || child.exitCode === null || !/EADDRINUSE/.test(output)) throw err;
        port = await freePort();
        url = `http://127.0.0.1:${port}`;
        output = "";
        child = launch();
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const crash = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  };
  const exited = () =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null)
        resolve({ code: child.exitCode, signal: child.signalCode });
      else child.once("exit", (code, signal) => resolve({ code, signal }));
    });
  const restart = async (extraEnv?: Record<string, string>) => {
    if (child.exitCode === null && child.signalCode === null)
      throw new Error("restart(): the app is still running (crash() or stop() it first)");
    child = launch(extraEnv);
    await ready();
  };
  return {
    url,
    sim,
    logs: () => output,
    stop,
    editConfig,
    sqlitePath,
    get pid() {
      return child.pid;
    },
    crash,
    restart,
    exited,
  };
}
