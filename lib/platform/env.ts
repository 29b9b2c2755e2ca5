import "server-only";
import { z } from "zod";
import { ROLES, type Role } from "@/lib/model/roles";
import {
  NO_ADDRESSES,
  parseAddressRanges,
  type AddressRanges,
} from "@/lib/platform/address-ranges";

// Every environment variable the app reads, validated once. Start-up (lib/server/start.ts) parses
// it first, so a bad value stops the process with one line naming the variable instead of turning
// into NaN or a silent default somewhere later. An empty value counts as unset (`FOO=` in an env
// file means "not set"). Not here, on purpose: the account secrets, whose names come from the
// config file (lib/config/load.ts looks them up by name); NODE_ENV and NEXT_RUNTIME, which belong
// to Next; and the simulator, which is its own program.

export class EnvError extends Error {
  override name = "EnvError";
}

/** Raw variables: process.env, or a test's own map. */
export type RawEnv = Record<string, string | undefined>;

// Each schema's error text is the expectation only; parseEnv adds the name and the value given.
function integer(min: number, max: number) {
  const error = `expected an integer between ${min} and ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function positive(max: number) {
  const error = `expected a number above 0 and at most ${max}`;
  return z.coerce.number({ error }).positive({ error }).max(max, { error });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of ${values.join(", ")}` });
}

function httpUrl() {
  const error = "expected an http:// or https:// URL";
  return z.string().refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), {
    error,
  });
}

const text = () => z.string();

function addressRanges() {
  const error = "expected IP addresses or CIDR ranges, comma-separated (10.0.0.0/8, ::1)";
  return z
    .string()
    .refine((s) => parseAddressRanges(s) !== null, { error })
    .transform((s): AddressRanges => parseAddressRanges(s) ?? NO_ADDRESSES);
}

const roleMapSchema = z.record(z.string(), z.enum(ROLES));

function roleMap() {
  const error = `expected a JSON object mapping claim values to ${ROLES.join(" | ")}`;
  const parse = (s: string): unknown => {
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  };
  return z
    .string()
    .refine((s) => roleMapSchema.safeParse(parse(s)).success, { error })
    .transform((s): Record<string, Role> => roleMapSchema.parse(parse(s)));
}

/** One entry of MMP_AUDIT_KEYS: the key id stored on each audit row, and the HMAC key. */
export interface AuditKeySpec {
  id: string;
  secret: Buffer;
}

/** `id:base64key[,id:base64key…]`, ids unique, keys of at least 32 bytes; null if malformed. */
export function parseAuditKeys(value: string): AuditKeySpec[] | null {
  const keys: AuditKeySpec[] = [];
  for (const part of value.split(",")) {
    const m = /^\s*([A-Za-z0-9_.-]{1,32}):([A-Za-z0-9+/_-]+={0,2})\s*$/.exec(part);
    if (!m?.[1] || !m[2]) return null;
    const secret = Buffer.from(m[2], "base64");
    if (secret.length < 32 || keys.some((k) => k.id === m[1])) return null;
    keys.push({ id: m[1], secret });
  }
  return keys.length > 0 ? keys : null;
}

function auditKeys() {
  const error =
    "expected id:key[,id:key…] — ids of letters, digits, '.', '_' or '-', each once; keys in base64 of at least 32 bytes (openssl rand -base64 32); the last one signs";
  return z
    .string()
    .refine((s) => parseAuditKeys(s) !== null, { error })
    .transform((s): AuditKeySpec[] => parseAuditKeys(s) ?? []);
}

const schema = z.object({
  // Where things are
  MMP_CONFIG: text().optional(),
  MMP_DEMO: oneOf(["0", "1"]).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: "expected a postgres:// or postgresql:// URL" })
    .optional(),
  MMP_SQLITE_PATH: text().optional(),
  MMP_SIM_PORT: integer(0, 65_535).default(0),
  MMP_MONITOR: oneOf(["on", "off"]).default("on"),
  LOG_LEVEL: oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  // Timing (lib/config/settings.ts derives the rest)
  MMP_READ_TIMEOUT_MS: integer(100, 60_000).default(4000),
  MMP_RESET_TIMEOUT_MS: integer(100, 60_000).default(5000),
  MMP_CONNECT_TIMEOUT_MS: integer(100, 60_000).default(2000),
  MMP_POLL_INTERVAL_MS: integer(250, 600_000).default(2000),
  MMP_FROZEN_POLL_INTERVAL_MS: integer(250, 600_000).optional(),
  // Venues whose MMP reads spend the account's quoting credits, while their push channel is up.
  MMP_PUSHED_POLL_INTERVAL_MS: integer(1000, 600_000).default(5000),
  // The dead-man switch column (read-only): how often each account's switch is read.
  MMP_DEADMAN_POLL_INTERVAL_MS: integer(1000, 3_600_000).default(60_000),
  MMP_STALE_AFTER_MS: integer(500, 3_600_000).optional(),
  MMP_RESET_FRESH_MS: integer(0, 10_000).default(2000),
  MMP_BREAKER_OPEN_MS: integer(100, 120_000).default(5000),
  // MMP limit changes (lib/limits/): how long a request waits for another user's approval.
  MMP_LIMIT_APPROVAL_TTL_MS: integer(1000, 24 * 3_600_000).default(15 * 60_000),

  // Audit trail (lib/audit): the keys that sign it (required outside demo) and where its head is
  // anchored outside the database
  MMP_AUDIT_KEYS: auditKeys().optional(),
  MMP_AUDIT_ANCHOR_PATH: text().optional(),
  MMP_AUDIT_ANCHOR_LOG: oneOf(["on", "off"]).default("off"),

  // Live streams (lib/live/stream-limits.ts, lib/live/sse.ts): open streams per user and per
  // client address (beyond: 429), bytes a stream may have waiting for its client, and how long
  // it may go without catching up, before it is dropped; how long an account update may wait to
  // share a write with others (0: the next turn of the event loop)
  MMP_STREAMS_PER_USER: integer(1, 100_000).default(20),
  MMP_STREAMS_PER_ADDRESS: integer(1, 1_000_000).default(50),
  MMP_STREAM_BACKLOG_BYTES: integer(1024, 256 * 1024 * 1024).default(1024 * 1024),
  MMP_STREAM_STALL_MS: integer(1000, 600_000).default(30_000),
  MMP_STREAM_BATCH_MS: integer(0, 1000).default(250),

  // Alerts and operators
  MMP_ALERT_WEBHOOK_URL: httpUrl().optional(),
  MMP_OPS_TOKEN: text().optional(),

  // Sign-in and sessions
  NEXTAUTH_SECRET: text().optional(),
  AUTH_SECRET: text().optional(),
  /** Read by next-auth itself; checked here so a typo fails at start, not at the first sign-in. */
  NEXTAUTH_URL: httpUrl().optional(),
  APP_ORIGIN: httpUrl()
    .transform((s) => s.replace(/\/+$/, ""))
    .optional(),
  // Proxies whose X-Forwarded-For is believed (lib/http/client-address.ts). None by default: the
  // client address is then the connection's own.
  MMP_TRUSTED_PROXIES: addressRanges().default(NO_ADDRESSES),
  // Refused state-changing requests (lib/http/denied.ts): `denied` rows per user and minute for
  // well-formed ones before the rest of that minute is counted into one row.
  MMP_DENIED_ROWS_PER_MINUTE: integer(1, 100_000).default(20),
  // The longest an edge refusal past the first 20 of a user's minute is held back (tarpit,
  // lib/http/denied.ts); 0 answers every refusal at once.
  MMP_REFUSAL_DELAY_MAX_MS: integer(0, 60_000).default(2000),
  MMP_SESSION_IDLE_SECONDS: integer(1, 366 * 24 * 3600).default(8 * 3600),
  MMP_SESSION_ABSOLUTE_HOURS: positive(366 * 24).default(12),
  MMP_SCREEN_SESSION_DAYS: positive(366).default(30),
  // Sign-in throttling (lib/auth/sign-in-throttle.ts): attempts allowed per username / failures
  // per client address within 15 min before each further attempt waits, first this many seconds,
  // doubling up to 15 min.
  MMP_SIGNIN_USER_FAILURES: integer(1, 1000).default(5),
  MMP_SIGNIN_ADDRESS_FAILURES: integer(1, 100_000).default(30),
  MMP_SIGNIN_LOCK_SECONDS: integer(1, 900).default(15),
  MMP_OIDC_ISSUER: httpUrl().optional(),
  MMP_OIDC_CLIENT_ID: text().optional(),
  MMP_OIDC_CLIENT_SECRET: text().optional(),
  MMP_OIDC_NAME: text().default("Single sign-on"),
  MMP_OIDC_ROLE_CLAIM: text().default("groups"),
  MMP_OIDC_ROLE_MAP: roleMap().default({}),
});

export type AppEnv = z.infer<typeof schema>;
export type EnvName = keyof AppEnv;

/** Values never repeated in an error message (a DATABASE_URL carries a password; a webhook URL
 * is often its own credential). */
const HIDDEN: ReadonlySet<string> = new Set<EnvName>([
  "DATABASE_URL",
  "MMP_ALERT_WEBHOOK_URL",
  "MMP_OPS_TOKEN",
  "MMP_AUDIT_KEYS",
  "NEXTAUTH_SECRET",
  "AUTH_SECRET",
  "MMP_OIDC_CLIENT_SECRET",
]);

const NAMES = Object.keys(schema.shape) as EnvName[];

/** Only our variables, with empty values dropped. */
function ours(raw: RawEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of NAMES) {
    const value = raw[name];
    if (value !== undefined && value !== "") picked[name] = value;
  }
  return picked;
}

function shown(value: string | undefined): string {
  if (value === undefined) return "nothing";
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/** Parses a map of variables. A bad value throws an EnvError: one line per bad variable, naming
 * it, what it should be and (unless secret) what it was. */
export function parseEnv(raw: RawEnv): AppEnv {
  const input = ours(raw);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = new Map<string, string>();
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? "(environment)");
    if (lines.has(name)) continue;
    const got = HIDDEN.has(name) ? "(value hidden)" : `got ${shown(input[name])}`;
    lines.set(name, `${name}: ${issue.message}, ${got}`);
  }
  throw new EnvError([...lines.values()].join("\n"));
}

let cached: AppEnv | null = null;

/** The process's environment, parsed on first use (start-up does that first, so a bad value
 * stops the process before it serves anything). */
export function env(): AppEnv {
  cached ??= parseEnv(process.env);
  return cached;
}

/** The log level for lib/platform/log.ts, which is loaded before start-up can report anything:
 * a bad LOG_LEVEL falls back to "info" here and is reported by env() at start. */
export function logLevel(): AppEnv["LOG_LEVEL"] {
  const parsed = schema.shape.LOG_LEVEL.safeParse(ours(process.env).LOG_LEVEL);
  return parsed.success ? parsed.data : "info";
}
