import "server-only";
import { randomBytes } from "node:crypto";
import { type AppConfigFile } from "@/lib/config/schema";
import { ROLES, type Role } from "@/lib/model/roles";
import type { SimAccountSpec } from "@/simulator/types";

// Demo mode: the accounts of a fictional desk, served by the built-in simulator. Keys are random
// per process and handed to the app through the same environment-variable path as real ones.

interface DemoAccount {
  spec: Omit<SimAccountSpec, "apiKey" | "secret">;
  label: string;
}

const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    label: "Binance main (demo)",
    spec: {
      id: "binance-main",
      venue: "binance",
      // The dead-man column has something to show: one armed countdown, the rest off.
      deadMan: { binanceCountdowns: { BTCUSDT: 30_000 } },
      scopes: [
        {
          scope: "BTCUSDT",
          windowMs: 3000,
          frozenPeriodMs: 0,
          qtyLimit: "25",
          deltaLimit: "12.5",
          triggeredAt: "now",
        },
        {
          scope: "ETHUSDT",
          windowMs: 5000,
          frozenPeriodMs: 60_000,
          qtyLimit: "250",
          deltaLimit: "80",
        },
        {
          scope: "SOLUSDT",
          windowMs: 2000,
          frozenPeriodMs: 30_000,
          qtyLimit: "900",
          deltaLimit: "300",
        },
        {
          scope: "BNBUSDT",
          windowMs: 5000,
          frozenPeriodMs: 0,
          qtyLimit: "1",
          deltaLimit: "1",
          enabled: false,
        },
      ],
    },
  },
  {
    label: "Binance hedge (demo)",
    spec: {
      id: "binance-hedge",
      venue: "binance",
      scopes: [
        {
          scope: "BTCUSDT",
          windowMs: 1000,
          frozenPeriodMs: 300_000,
          qtyLimit: "10",
          deltaLimit: "4",
          triggeredAt: "now",
        },
        { scope: "ETHUSDT", windowMs: 1000, frozenPeriodMs: 0, qtyLimit: "100", deltaLimit: "40" },
        {
          scope: "XRPUSDT",
          windowMs: 4000,
          frozenPeriodMs: 15_000,
          qtyLimit: "5000",
          deltaLimit: "2000",
        },
      ],
    },
  },
  {
    label: "Bybit main (demo)",
    spec: {
      id: "bybit-main",
      venue: "bybit",
      deadMan: { bybitDcp: [{ product: "OPTIONS", dcpStatus: "ON", timeWindowSec: 10 }] },
      scopes: [
        {
          scope: "BTC",
          windowMs: 5000,
          frozenPeriodMs: 100_000,
          qtyLimit: "30",
          deltaLimit: "15",
          vegaLimit: "500000",
          triggeredAt: "now",
        },
        {
          scope: "ETH",
          windowMs: 5000,
          frozenPeriodMs: 0,
          qtyLimit: "300",
          deltaLimit: "150",
          vegaLimit: "250000",
        },
        {
          scope: "SOL",
          windowMs: 3000,
          frozenPeriodMs: 20_000,
          qtyLimit: "1000",
          deltaLimit: "400",
        },
      ],
    },
  },
  {
    label: "OKX portfolio margin (demo)",
    spec: {
      id: "okx-pm",
      venue: "okx",
      passphrase: "generated",
      scopes: [
        {
          scope: "BTC-USD",
          windowMs: 5000,
          frozenPeriodMs: 0,
          qtyLimit: "100",
          deltaLimit: "0",
          triggeredAt: "now",
        },
        {
          scope: "ETH-USD",
          windowMs: 5000,
          frozenPeriodMs: 30_000,
          qtyLimit: "500",
          deltaLimit: "0",
        },
      ],
    },
  },
  {
    label: "Deribit MM (demo)",
    spec: {
      id: "deribit-mm",
      venue: "deribit",
      deadMan: { deribitCancelOnDisconnect: true },
      scopes: [
        {
          scope: "btc_usd",
          windowMs: 5000,
          frozenPeriodMs: 60_000,
          qtyLimit: "20",
          deltaLimit: "10",
          vegaLimit: "50000",
        },
        {
          scope: "eth_usd",
          windowMs: 5000,
          frozenPeriodMs: 0,
          qtyLimit: "200",
          deltaLimit: "100",
          vegaLimit: "20000",
          triggeredAt: "now",
        },
        {
          scope: "btc_usd/mm1",
          windowMs: 10_000,
          frozenPeriodMs: 0,
          qtyLimit: "50",
          deltaLimit: "25",
        },
      ],
    },
  },
  {
    label: "Bybit unified (demo, MMP off)",
    spec: {
      id: "bybit-nomm",
      venue: "bybit",
      mmpEnabled: false,
      scopes: [
        { scope: "BTC", windowMs: 5000, frozenPeriodMs: 100, qtyLimit: "100", deltaLimit: "100" },
      ],
    },
  },
];

export interface DemoSetup {
  simAccounts: SimAccountSpec[];
  /** The config file demo mode behaves as if it had read; baseUrl is filled in once the
   * simulator listens. */
  file: (baseUrl: string) => AppConfigFile;
  /** Environment variables holding the generated demo credentials. */
  env: Record<string, string>;
  /** One demo user per role, with a random password shown once in the terminal. */
  users: { username: string; role: Role; password: string }[];
}

const envPrefix = (id: string) => `MMP_DEMO_${id.toUpperCase().replace(/-/g, "_")}`;

export function createDemoSetup(): DemoSetup {
  const env: Record<string, string> = {};
  const simAccounts = DEMO_ACCOUNTS.map(({ spec }) => {
    const apiKey = `demo-${spec.id}-${randomBytes(8).toString("hex")}`;
    const secret = randomBytes(32).toString("hex");
    env[`${envPrefix(spec.id)}_KEY`] = apiKey;
    env[`${envPrefix(spec.id)}_SECRET`] = secret;
    const passphrase = spec.passphrase ? randomBytes(12).toString("hex") : undefined;
    if (passphrase) env[`${envPrefix(spec.id)}_PASSPHRASE`] = passphrase;
    return { ...spec, apiKey, secret, passphrase };
  });
  const file = (baseUrl: string): AppConfigFile => ({
    accounts: DEMO_ACCOUNTS.map(({ spec, label }) => ({
      id: spec.id,
      label,
      venue: spec.venue,
      baseUrl,
      apiKeyEnv: `${envPrefix(spec.id)}_KEY`,
      apiSecretEnv: `${envPrefix(spec.id)}_SECRET`,
      ...(spec.passphrase ? { passphraseEnv: `${envPrefix(spec.id)}_PASSPHRASE` } : {}),
      demoTrading: false,
      keyType: "hmac",
      scopes: spec.scopes.map((s) => s.scope),
    })),
    users: [],
  });
  const users = ROLES.map((role) => ({
    username: role,
    role,
    password: randomBytes(6).toString("base64url"),
  }));
  return { simAccounts, file, env, users };
}

/** The demo users in a box, printed last (after Next's own start-up lines), so the one thing a
 * new user needs is the last thing on the terminal. */
export function printDemoUsers(users: DemoSetup["users"], delayMs = 1500): void {
  const lines = [
    "Demo users (username, password) — valid until this process stops:",
    "",
    ...users.map((u) => `  ${u.username.padEnd(8)} ${u.password}   (${u.role})`),
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const box = [
    `┌${"─".repeat(width + 2)}┐`,
    ...lines.map((l) => `│ ${l.padEnd(width)} │`),
    `└${"─".repeat(width + 2)}┘`,
  ];
  setTimeout(() => console.log(`\n${box.map((l) => `  ${l}`).join("\n")}\n`), delayMs).unref();
}
