// Starts the exchange simulator standalone: `npx tsx scripts/sim.ts [options.json]`.
// With a file: that file's SimOptions (JSON). Without: the demo desk's accounts (all four venues)
// with fresh random credentials, printed so the desk can be configured against them.
// PORT (env) overrides the port; stops cleanly on SIGINT/SIGTERM.

import { readFileSync } from "node:fs";
import { z } from "zod";
import { VENUES } from "@/lib/model/types";
import { startSimulator } from "@/simulator";
import type { SimOptions } from "@/simulator/types";
import { createDemoSetup } from "@/lib/server/demo-setup";

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
      keyType: z.enum(["hmac", "rsa", "ed25519"]).optional(),
      publicKeyPem: z.string().optional(),
      mmpEnabled: z.boolean().optional(),
      passphrase: z.string().optional(),
      demoTrading: z.boolean().optional(),
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

// Without a file: the same fictional desk as the app's demo mode (all four venues).
function demoOptions(): SimOptions {
  return { accounts: createDemoSetup().simAccounts, fillGenerator: true };
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
      const passphrase = a.passphrase ? ` passphrase=${a.passphrase}` : "";
      console.log(`  ${a.id} (${a.venue}) apiKey=${a.apiKey} secret=${a.secret}${passphrase}`);
    }
  } else {
    console.log(`  ${opts.accounts.length} account(s) from ${file}`);
  }
  console.log(`  control API: ${sim.url}/__sim/state (see simulator/README.md)`);

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
