// Starts the exchange simulator standalone: `npx tsx scripts/sim.ts [options.json]`.
// With a file: that file's SimOptions (JSON). Without: a demo set of two Binance accounts with
// fresh random credentials, printed so the desk can be configured against them.
// PORT (env) overrides the port; stops cleanly on SIGINT/SIGTERM.

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { VENUES } from "@/lib/mmp/types";
import { startSimulator } from "@/lib/simulator";
import type { SimAccountSpec, SimOptions } from "@/lib/simulator/types";

const scopeSchema = z.object({
  scope: z.string().min(1),
  windowMs: z.number().int().min(0),
  frozenPeriodMs: z.number().int().min(0),
  qtyLimit: z.string(),
  deltaLimit: z.string(),
  vegaLimit: z.string().nullable().optional(),
  enabled: z.boolean().optional(),
  triggeredAt: z.union([z.number().int(), z.literal("now")]).optional(),
});

const optionsSchema = z.object({
  host: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  accounts: z.array(
    z.object({
      id: z.string().min(1),
      venue: z.enum(VENUES),
      apiKey: z.string().min(1),
      secret: z.string().min(1),
      scopes: z.array(scopeSchema),
    }),
  ),
  fillGenerator: z
    .union([
      z.boolean(),
      z.object({ intervalMs: z.number().int().min(100), probability: z.number() }),
    ])
    .optional(),
  binanceResetClearsTrigger: z.boolean().optional(),
});

function demoAccount(id: string, scopes: SimAccountSpec["scopes"]): SimAccountSpec {
  // Binance keys are 64 alphanumeric chars; hex satisfies that.
  return {
    id,
    venue: "binance",
    apiKey: randomBytes(32).toString("hex"),
    secret: randomBytes(32).toString("hex"),
    scopes,
  };
}

function demoOptions(): SimOptions {
  const limits = { windowMs: 3000, qtyLimit: "2", deltaLimit: "2.3" };
  return {
    accounts: [
      demoAccount("binance-mm-1", [
        { scope: "BTCUSDT", ...limits, frozenPeriodMs: 30_000 },
        { scope: "ETHUSDT", ...limits, frozenPeriodMs: 0, triggeredAt: "now" },
        { scope: "SOLUSDT", ...limits, frozenPeriodMs: 0, enabled: false },
      ]),
      demoAccount("binance-mm-2", [
        { scope: "BTCUSDT", ...limits, frozenPeriodMs: 0, triggeredAt: "now" },
        { scope: "ETHUSDT", ...limits, frozenPeriodMs: 30_000, triggeredAt: "now" },
        { scope: "BNBUSDT", ...limits, frozenPeriodMs: 0 },
      ]),
    ],
    fillGenerator: true,
  };
}

function loadOptions(file: string | undefined): SimOptions {
  if (!file) return demoOptions();
  const parsed = optionsSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    throw new Error(`invalid simulator options in ${file}:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const opts = loadOptions(file);
  const port = process.env.PORT ? Number(process.env.PORT) : opts.port;
  const sim = await startSimulator({ ...opts, port });

  console.log(`exchange simulator listening on ${sim.url}`);
  if (!file) {
    for (const a of opts.accounts) {
      console.log(`  ${a.id} (${a.venue}) apiKey=${a.apiKey} secret=${a.secret}`);
    }
  } else {
    console.log(`  ${opts.accounts.length} account(s) from ${file}`);
  }
  console.log(`  control API: ${sim.url}/__sim/state (see lib/simulator/README.md)`);

  const stop = (signal: string) => {
    console.log(`${signal}: stopping simulator`);
    void sim.close().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
