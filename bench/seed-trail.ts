import { dirname, join } from "node:path";
import { anchorHead } from "@/lib/audit/anchor";
import { GENESIS, keyedHash, type AuditRowBody } from "@/lib/audit/chain";
import { ensureIdentity } from "@/lib/audit/identity";
import { auditKeyRing } from "@/lib/audit/keys";
import { openDb } from "@/lib/db/client";
import { migrateToLatest } from "@/lib/db/migrate";
import type { AuditLogTable } from "@/lib/db/schema";
import { log } from "./stats";

// A long audit trail for the load figures: `rows` rows, chained and signed exactly as the app
// signs them (the fixtures' MMP_AUDIT_KEYS), spread over the last `days` days, and its head
// anchored next to the database, so the app that opens it finds a chain that verifies. Written in
// large transactions straight to SQLite (appending a million rows one by one through the app
// would take most of an hour and measure nothing of interest).

const ACTORS = ["trader1", "trader2", "trader3", "trader4", "admin1", "viewer1"];
const ACCOUNTS: [string, string, string][] = [
  ["bn-main", "binance", "BTCUSDT"],
  ["bb-main", "bybit", "BTC"],
  ["okx-main", "okx", "BTC-USD"],
  ["deribit-main", "deribit", "btc_usd"],
];
const BATCH = 1000;

function stateOf(accountId: string, scope: string, status: "frozen" | "active") {
  return JSON.stringify({
    id: `${accountId}/${scope}`,
    accountId,
    scope,
    status,
    windowMs: 3000,
    frozenPeriodMs: 0,
    qtyLimit: "10",
    deltaLimit: "5",
    lastTriggerAt: 1_790_000_000_000,
  });
}

/** Row `i` of the trail: mostly resets (requested, then ok), some refusals and sign-ins. */
function bodyOf(seq: number, at: string, keyId: string): AuditRowBody {
  const [accountId, venue, scope] = ACCOUNTS[seq % ACCOUNTS.length]!;
  const actor = ACTORS[Math.floor(seq / 2) % ACTORS.length]!;
  const kind = seq % 10;
  const base: AuditRowBody = {
    seq,
    at,
    actor,
    role: actor.startsWith("admin") ? "admin" : actor.startsWith("viewer") ? "viewer" : "trader",
    action: "mmp.reset",
    outcome: "requested",
    venue,
    account_id: accountId,
    scope,
    state_before: null,
    state_after: null,
    idempotency_key: null,
    client_ip: "192.0.2.10",
    user_agent: "Mozilla/5.0 (bench)",
    venue_code: null,
    venue_message: null,
    latency_ms: null,
    detail: null,
    key_id: keyId,
  };
  if (kind === 8) return { ...base, action: "auth.signin", outcome: "ok", venue: null };
  if (kind === 9) return { ...base, outcome: "denied", detail: "not frozen" };
  // A reset is a pair: `requested` (even seq) and its `ok` (odd seq) with the same key.
  const key = `bench-${Math.floor(seq / 2)}`;
  if (seq % 2 === 0)
    return { ...base, idempotency_key: key, state_before: stateOf(accountId, scope, "frozen") };
  return {
    ...base,
    outcome: "ok",
    idempotency_key: key,
    state_before: stateOf(accountId, scope, "frozen"),
    state_after: stateOf(accountId, scope, "active"),
    latency_ms: 25,
  };
}

/** Writes the trail into a new SQLite file at `sqlitePath`; resolves with the head's seq. */
export async function seedTrail(
  sqlitePath: string,
  opts: { rows: number; days: number },
): Promise<number> {
  const handle = openDb({ MMP_SQLITE_PATH: sqlitePath, DATABASE_URL: undefined });
  const { db } = handle;
  await migrateToLatest(db, handle.dialect);
  const ring = auditKeyRing();
  if (ring.source !== "env")
    throw new Error("seedTrail needs MMP_AUDIT_KEYS (bench/run.sh sets it)");
  const identity = await ensureIdentity(db, ring);
  const start = Date.now() - opts.days * 86_400_000;
  const step = (opts.days * 86_400_000) / opts.rows;
  let prev = GENESIS;
  let last: AuditLogTable | null = null;
  const t0 = Date.now();
  for (let from = 1; from <= opts.rows; from += BATCH) {
    const batch: AuditLogTable[] = [];
    for (let seq = from; seq < from + BATCH && seq <= opts.rows; seq += 1) {
      const body = bodyOf(seq, new Date(start + seq * step).toISOString(), ring.signing.id);
      const hash = keyedHash(ring.signing.secret, identity.chainId, prev, body);
      last = { ...body, prev_hash: prev, hash };
      batch.push(last);
      prev = hash;
    }
    // 21 columns × 1,000 rows stays under SQLite's 32,766 bound parameters.
    await db.transaction().execute((trx) => trx.insertInto("audit_log").values(batch).execute());
    if ((from - 1) % 100_000 === 0 && from > 1) log(`seeded ${from - 1} audit rows`);
  }
  if (last)
    await anchorHead(join(dirname(sqlitePath), "audit-anchor.log"), {
      chain: identity.chainId,
      seq: last.seq,
      hash: last.hash,
      key: last.key_id,
      at: new Date().toISOString(),
    });
  await db.destroy();
  log(`seeded ${opts.rows} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return last?.seq ?? 0;
}
