import { z } from "zod";
import { VENUES } from "@/lib/model/types";
import { LIMIT_FIELDS, type LimitField } from "@/lib/model/limits";
import { ROLES } from "@/lib/model/roles";

// The MMP_CONFIG file contract (README, "Configuration for real accounts"). Secrets are never in
// the file: only the *names* of the environment variables that hold them.

const envVarName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]{0,127}$/, "must be an environment variable name like DESK_MAIN_SECRET");

export const KEY_TYPES = ["hmac", "rsa", "ed25519"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

const desiredDuration = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const desiredDecimal = z.string().regex(/^(0|[1-9]\d{0,14})(\.\d{1,12})?$/);
export const desiredLimitsSchema = z.strictObject({
  windowMs: desiredDuration.optional(),
  frozenPeriodMs: desiredDuration.optional(),
  qtyLimit: desiredDecimal.optional(),
  deltaLimit: desiredDecimal.optional(),
  vegaLimit: desiredDecimal.optional(),
  maxQuoteQty: desiredDecimal.optional(),
});
export type DesiredLimits = z.infer<typeof desiredLimitsSchema>;

export const accountSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        "must be a lowercase slug (a-z, 0-9, -), at most 63 chars",
      ),
    label: z.string().trim().min(1).max(80),
    venue: z.enum(VENUES),
    baseUrl: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .transform((u) => u.replace(/\/+$/, "")),
    apiKeyEnv: envVarName,
    apiSecretEnv: envVarName,
    passphraseEnv: envVarName.optional(),
    /** "hmac" (default): apiSecretEnv holds the API secret. "rsa" / "ed25519": it holds a PEM
     * private key (where the venue supports key pairs). */
    keyType: z.enum(KEY_TYPES).default("hmac"),
    /** Venues whose demo environment is the live host plus a marker header. */
    demoTrading: z.boolean().default(false),
    /** Underlyings / baseCoins / instFamilies / index names to watch; absent = discover. */
    scopes: z.array(z.string().min(1).max(64)).min(1).max(200).optional(),
    /** This desk's share of the account's request budget, in requests per second, where it must
     * be smaller than the adapter's default: a venue whose budget is shared with the market
     * maker's own quoting (matching-engine credits) and whose size depends on the account's
     * tier (docs/venues.md). Absent = the adapter's default. */
    requestsPerSecond: z.number().positive().max(100).optional(),
    /** Desired MMP limits per scope (issue 15), in the desk's units: durations in ms, sizes as
     * decimal strings. A live value that differs is drift. A verified limit change replaces it. */
    desired: z.record(z.string().min(1).max(64), desiredLimitsSchema).optional(),
  })
  .strict();

export const userSchema = z
  .object({
    username: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/),
    passwordHash: z.string().min(20),
    role: z.enum(ROLES),
  })
  .strict();

// The firm's bounds on MMP limits (issue 15): a change outside them is refused, naming the
// bound. Durations in ms (integers), sizes as decimal strings or integers. The most specific
// bound of a field wins: scope, then account, then venue.
const bound = z.union([
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  z.string().regex(/^(0|[1-9]\d{0,14})(\.\d{1,12})?$/),
]);
const fieldBounds = z.strictObject({ min: bound.optional(), max: bound.optional() });
export const limitBoundsSchema = z.strictObject(
  Object.fromEntries(LIMIT_FIELDS.map((f) => [f, fieldBounds.optional()])) as Record<
    LimitField,
    z.ZodOptional<typeof fieldBounds>
  >,
);
export const limitPolicySchema = z.strictObject({
  venues: z.partialRecord(z.enum(VENUES), limitBoundsSchema).optional(),
  accounts: z
    .record(
      z.string(),
      limitBoundsSchema.extend({ scopes: z.record(z.string(), limitBoundsSchema).optional() }),
    )
    .optional(),
});
export type LimitPolicy = z.infer<typeof limitPolicySchema>;
export type LimitBounds = z.infer<typeof limitBoundsSchema>;

export const configSchema = z
  .object({
    accounts: z.array(accountSchema).min(1),
    users: z.array(userSchema).default([]),
    limitPolicy: limitPolicySchema.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.accounts.forEach((a, i) => {
      if (seen.has(a.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", i, "id"],
          message: `duplicate account id "${a.id}"`,
        });
      }
      seen.add(a.id);
    });
  });

export type AccountConfig = z.infer<typeof accountSchema>;
export type UserConfig = z.infer<typeof userSchema>;
export type AppConfigFile = z.infer<typeof configSchema>;

/** Readable one-line-per-problem text for start-up errors. */
export function describeConfigError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `  - ${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("\n");
}
