import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { appendAudit } from "@/lib/audit/append";
import { resolveAccounts } from "@/lib/config/load";
import type { Settings } from "@/lib/config/settings";
import { openDb, type Db } from "@/lib/db/client";
import { migrateToLatest } from "@/lib/db/migrate";
import type { ResetDeps } from "@/lib/desk/reset-deps";
import { resetRoute } from "@/lib/http/reset-route";
import { readAccountNow } from "@/lib/live/account-state";
import { workFinished } from "@/lib/platform/lifecycle";
import type { CurrentUser } from "@/lib/model/roles";
import { resolveVenueAccount, type VenueAccount } from "@/lib/venues/account";
import { startSimulator } from "@/simulator";
import type { SimHandle } from "@/simulator/types";
import { fixtureConfig, fixtureEnv, simAccounts } from "../support/fixtures";
import { simControl } from "../support/sim-client";

// The reset route in-process: the real edge, use case, adapters, account-state store and venue
// guard, against the real simulator over loopback HTTP, on a fresh SQLite file with the real
// migrations. Only the collaborators that would otherwise be the process's own are passed in:
// the accounts (the fixtures, resolved with short timeouts), the database, the signed-in user.

/** Short enough that a hang costs a fraction of a second, long enough for a loaded 2-core box. */
export const SETTINGS: Settings = {
  readTimeoutMs: 1500,
  resetTimeoutMs: 400,
  pollIntervalMs: 2000,
  frozenPollIntervalMs: 1000,
  staleAfterMs: 60_000,
  pushedPollIntervalMs: 5000,
  pushedStaleAfterMs: 60_000,
  deadManPollIntervalMs: 60_000,
  // Every reset reads afresh: a test restores the simulator between cases, and a cached read
  // from the previous case must not decide this one.
  resetFreshMs: 0,
};

const ORIGIN = "http://desk.test";
/** The accounts these tests reset. */
const RESET_ACCOUNTS = ["bn-main"];

export const TRADER: CurrentUser = { username: "trader1", role: "trader" };
export const VIEWER: CurrentUser = { username: "viewer1", role: "viewer" };

export interface AuditRow {
  seq: number;
  outcome: string;
  actor: string;
  account_id: string | null;
  scope: string | null;
  venue: string | null;
  idempotency_key: string | null;
  venue_code: string | null;
  venue_message: string | null;
  latency_ms: number | null;
  detail: string | null;
  state_before: string | null;
  state_after: string | null;
}

export interface ResetBench {
  sim: SimHandle;
  ctl: ReturnType<typeof simControl>;
  db: Db;
  /** The accounts the route resets, as it resolves them (with their real adapters). */
  accounts: Map<string, VenueAccount>;
  /** The reset use case's collaborators as the route gets them. */
  deps: Partial<ResetDeps>;
  /** Waits for reads still in flight (a reset's background refresh) by reading afresh, then
   * empties the simulator's request log. */
  settle(): Promise<void>;
  /** Back to the simulator's start state, as the app sees it (then settle()). */
  restore(): Promise<void>;
  /** POSTs a reset as `user` through the route, in-process. */
  post(body: unknown, user?: CurrentUser): Promise<Response>;
  /** Every audit row written after `since` (a seq), oldest first. */
  auditSince(since: number): Promise<AuditRow[]>;
  lastSeq(): Promise<number>;
  /** Reset requests that reached the simulated venue since its log was last cleared. */
  venueResets(path?: string): Promise<number>;
  /** Makes every audit append fail, as a full disk or a lost database would. */
  breakAudit(): Promise<void>;
  repairAudit(): Promise<void>;
  close(): Promise<void>;
}

/** The venue's rate budget is not what these tests are about (tests/middle/guard-budget.test.ts
 * is): a generous one keeps a test's reads from queueing behind the previous test's. */
function generousBudget(account: VenueAccount): VenueAccount {
  if (account.problem) return account;
  return { ...account, guard: { ...account.guard, limit: { perSecond: 1000, burst: 1000 } } };
}

let n = 0;
export const newKey = () => `middle-${process.pid}-${Date.now()}-${(n += 1)}`;

export async function startResetBench(
  overrides: Partial<ResetDeps> = {},
  /** How the SQLite file is opened (a test that watches its statements passes its own). */
  open: (path: string) => Db = (path) => openDb({ MMP_SQLITE_PATH: path }),
): Promise<ResetBench> {
  const sim = await startSimulator({ accounts: simAccounts() });
  const dir = mkdtempSync(join(tmpdir(), "mmp-middle-"));
  const db = open(join(dir, "mmp.sqlite"));
  await migrateToLatest(db.db, db.dialect);

  const accounts = new Map<string, VenueAccount>(
    resolveAccounts(fixtureConfig(sim.url), fixtureEnv()).map((a) => [
      a.id,
      generousBudget(resolveVenueAccount(a, SETTINGS)),
    ]),
  );
  const reset: Partial<ResetDeps> = {
    account: (id) => Promise.resolve(accounts.get(id) ?? null),
    settings: () => SETTINGS,
    db: () => Promise.resolve(db),
    recheckDelaysMs: [100, 200],
    ...overrides,
  };
  const routeFor = (user: CurrentUser) =>
    resetRoute({
      edge: {
        user: () => Promise.resolve(user),
        db: () => Promise.resolve(db),
        audit: (entry) => appendAudit(entry, db),
      },
      reset,
    });
  const ctl = simControl(sim.url);
  const settle = async () => {
    // A reset's post-reset read (and its `observed` row) lands before the next test starts.
    await workFinished(5000);
    await Promise.all(RESET_ACCOUNTS.map((id) => readAccountNow(accounts.get(id)!)));
    await ctl.clearLog();
  };

  return {
    sim,
    ctl,
    db,
    accounts,
    deps: reset,
    settle,
    restore: async () => {
      await ctl.restore();
      await settle();
    },
    post: (body, user = TRADER) =>
      routeFor(user)(
        new Request(`${ORIGIN}/api/mmp/reset`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            host: "desk.test",
            origin: ORIGIN,
            "user-agent": "middle-tests",
          },
          body: JSON.stringify(body),
        }),
      ),
    auditSince: async (since) =>
      (await db.db
        .selectFrom("audit_log")
        .selectAll()
        .where("seq", ">", since)
        .orderBy("seq")
        .execute()) as AuditRow[],
    lastSeq: async () =>
      (await db.db.selectFrom("audit_log").select("seq").orderBy("seq", "desc").executeTakeFirst())
        ?.seq ?? 0,
    venueResets: async (path = "/eapi/v1/mmpReset") => (await ctl.log({ path })).length,
    breakAudit: async () => {
      await sql`CREATE TRIGGER audit_down BEFORE INSERT ON audit_log
        BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END`.execute(db.db);
    },
    repairAudit: async () => {
      await sql`DROP TRIGGER IF EXISTS audit_down`.execute(db.db);
    },
    close: async () => {
      await workFinished(5000);
      await sim.close();
      await db.db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
