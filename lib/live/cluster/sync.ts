import "server-only";
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { getConfig } from "@/lib/config/runtime";
import { getDb } from "@/lib/db/client";
import { exportEntry, importEntry, type SharedEntry } from "@/lib/live/account-state";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";
import { venueAccount } from "@/lib/venues/account";

// Shared live state for several app processes on one PostgreSQL: whoever reads an account writes
// its state to live_state and NOTIFYs; every other process LISTENs and loads it into its own
// account-state store, which announces it (as remote) to its own browsers. Only account ids
// travel in the notification (NOTIFY payloads are small).

const CHANNEL = "mmp_live";
const ORIGIN = randomUUID();
const state = singleton("cluster-sync", () => ({
  client: null as pg.Client | null,
  timer: null as NodeJS.Timeout | null,
}));

export async function shareAccount(accountId: string): Promise<void> {
  const { db } = await getDb();
  const payload = JSON.stringify(exportEntry(accountId));
  const now = new Date().toISOString();
  await db
    .insertInto("live_state")
    .values({ account_id: accountId, payload, updated_at: now })
    .onConflict((oc) => oc.column("account_id").doUpdateSet({ payload, updated_at: now }))
    .execute();
  await sql`SELECT pg_notify(${CHANNEL}, ${`${accountId} ${ORIGIN}`})`.execute(db);
}

/** Loads what another process shared; the store announces it if it is newer than ours. An
 * account this process's configuration does not have is ignored. */
async function load(accountId: string): Promise<void> {
  const account = venueAccount(await getConfig(), accountId);
  if (!account) return;
  const { db } = await getDb();
  const row = await db
    .selectFrom("live_state")
    .select("payload")
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  if (row) importEntry(account, JSON.parse(row.payload) as SharedEntry);
}

/** Listens for other processes' updates. */
export async function startSync(databaseUrl: string): Promise<void> {
  const connect = async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on("error", (err) => {
      log.warn({ err: err.message }, "cluster listener lost its connection; reconnecting");
      state.client = null;
    });
    client.on("notification", (msg) => {
      const [accountId, origin] = (msg.payload ?? "").split(" ");
      if (!accountId || origin === ORIGIN) return;
      load(accountId).catch((err: unknown) => log.error({ err }, "cluster load failed"));
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    state.client = client;
    // Catch up on everything shared while we were not listening.
    for (const account of (await getConfig()).accounts) await load(account.id);
  };
  const ensure = () => {
    if (state.client) return;
    connect().catch((err: unknown) =>
      log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        "cluster listener cannot connect",
      ),
    );
  };
  ensure();
  state.timer ??= setInterval(ensure, 2000);
  state.timer.unref();
}
