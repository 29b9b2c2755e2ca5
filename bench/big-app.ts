import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startSimulator } from "@/simulator";
import type { SimAccountSpec, SimScopeSpec } from "@/simulator/types";
import { type AppConfigFile } from "@/lib/config/schema";
import { freePort, type AppUnderTest } from "../tests/support/app-server";
import { fixtureAccount, fixtureUsers } from "../tests/support/fixtures";
import { waitFor } from "../tests/support/wait";

// An app with a big desk, generated on the fly: `accounts` Binance accounts × `underlyings`
// underlyings (some frozen), plus the fixture Deribit account (for the push-path freshness). Same
// shape as tests/support/app-server.ts (simulator in this process, `next start` child), which is
// fixed to the fixture accounts.

const UNDERLYINGS = [
  "BTCUSDT",
  "ETHUSDT",
  "BNBUSDT",
  "SOLUSDT",
  "XRPUSDT",
  "DOGEUSDT",
  "ADAUSDT",
  "AVAXUSDT",
  "DOTUSDT",
  "LINKUSDT",
  "LTCUSDT",
  "TRXUSDT",
  "ATOMUSDT",
  "NEARUSDT",
  "APTUSDT",
  "ARBUSDT",
  "OPUSDT",
  "SUIUSDT",
  "FILUSDT",
  "TONUSDT",
  "UNIUSDT",
  "AAVEUSDT",
  "INJUSDT",
  "SEIUSDT",
];

export const DERIBIT_ACCOUNT = "deribit-main";

interface Generated {
  spec: SimAccountSpec;
  label: string;
}

function binanceAccounts(count: number, underlyings: number): Generated[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, "0");
    const scopes: SimScopeSpec[] = UNDERLYINGS.slice(0, underlyings).map((scope, j) => ({
      scope,
      windowMs: 3000,
      frozenPeriodMs: 0,
      qtyLimit: String(10 + j),
      deltaLimit: String(5 + j),
      ...((i * underlyings + j) % 17 === 0 ? { triggeredAt: "now" as const } : {}),
    }));
    return {
      label: `Binance desk ${n}`,
      spec: {
        id: `bn-desk-${n}`,
        venue: "binance",
        apiKey: `bench-key-bn-desk-${n}-${randomBytes(6).toString("hex")}`,
        secret: randomBytes(24).toString("hex"),
        scopes,
      },
    };
  });
}

const envName = (id: string, part: "KEY" | "SECRET") =>
  `MMP_BENCH_${id.toUpperCase().replace(/-/g, "_")}_${part}`;

export async function startBigApp(opts: {
  accounts: number;
  underlyings: number;
  env: Record<string, string>;
}): Promise<AppUnderTest & { rows: number }> {
  const deribit = fixtureAccount(DERIBIT_ACCOUNT);
  const generated: Generated[] = [
    ...binanceAccounts(opts.accounts, opts.underlyings),
    {
      label: deribit.label,
      spec: {
        id: deribit.id,
        venue: deribit.venue,
        apiKey: deribit.apiKey,
        secret: deribit.secret,
        scopes: deribit.scopes,
      },
    },
  ];
  const sim = await startSimulator({ accounts: generated.map((g) => g.spec) });
  const dir = mkdtempSync(join(tmpdir(), "mmp-bench-"));
  const configPath = join(dir, "mmp.config.json");
  let config: AppConfigFile = {
    accounts: generated.map(({ spec, label }) => ({
      id: spec.id,
      label,
      venue: spec.venue,
      baseUrl: sim.url,
      apiKeyEnv: envName(spec.id, "KEY"),
      apiSecretEnv: envName(spec.id, "SECRET"),
      keyType: "hmac",
      demoTrading: false,
      scopes: spec.scopes.map((s) => s.scope),
    })),
    users: await fixtureUsers(),
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const secrets: Record<string, string> = {};
  for (const { spec } of generated) {
    secrets[envName(spec.id, "KEY")] = spec.apiKey;
    secrets[envName(spec.id, "SECRET")] = spec.secret;
  }
  const sqlitePath = join(dir, "mmp.sqlite");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: {
        ...process.env,
        ...secrets,
        NODE_ENV: "production",
        MMP_CONFIG: configPath,
        MMP_SQLITE_PATH: sqlitePath,
        NEXTAUTH_URL: url,
        NEXTAUTH_SECRET: "bench-only-nextauth-secret-0123456789abcdef",
        LOG_LEVEL: "info",
        ...opts.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
  child.stderr.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    await sim.close();
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`app exited early:\n${output}`);
      const res = await fetch(`${url}/api/auth/csrf`).catch(() => null);
      return res?.status === 200;
    }, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    sim,
    logs: () => output,
    stop,
    editConfig: (edit) => {
      config = edit(config);
      writeFileSync(configPath, JSON.stringify(config, null, 2));
    },
    sqlitePath,
    pid: child.pid,
    rows: generated.reduce((n, g) => n + g.spec.scopes.length, 0),
  };
}
