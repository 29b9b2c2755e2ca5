import "server-only";
import pg from "pg";
import { setRole, clusterRole } from "@/lib/live/cluster/role";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// Leadership by a PostgreSQL session advisory lock held on a dedicated connection. The lock dies
// with the connection, so when the leader process dies another takes over within one check
// (CHECK_MS). A leader that cannot confirm its connection steps down at once — it stops polling
// before anyone else can take the lock, so two processes never poll at the same time.

const LOCK_KEY = 7_715_002;
const CHECK_MS = 1000;
const state = singleton("cluster-leader", () => ({
  client: null as pg.Client | null,
  timer: null as NodeJS.Timeout | null,
  busy: false,
}));

export interface LeadershipHooks {
  onLead: () => void;
  onLose: () => void;
}

function stepDown(hooks: LeadershipHooks, why: string) {
  const client = state.client;
  state.client = null;
  client?.end().catch(() => undefined);
  if (clusterRole() === "leader") {
    log.warn({ why }, "leadership lost: polling stops");
    hooks.onLose();
  }
  setRole("follower");
}

async function check(databaseUrl: string, hooks: LeadershipHooks): Promise<void> {
  if (!state.client) {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
    client.on("error", (err) => stepDown(hooks, err.message));
    await client.connect();
    state.client = client;
  }
  const client = state.client;
  if (clusterRole() === "leader") {
    await client.query({ text: "SELECT 1", query_timeout: CHECK_MS } as pg.QueryConfig);
    return;
  }
  const { rows } = await client.query<{ locked: boolean }>(
    "SELECT pg_try_advisory_lock($1) AS locked",
    [LOCK_KEY],
  );
  if (rows[0]?.locked) {
    setRole("leader");
    log.info("leadership taken: this process polls the venues");
    hooks.onLead();
  } else {
    setRole("follower");
  }
}

export function startLeadership(databaseUrl: string, hooks: LeadershipHooks): void {
  setRole("follower");
  const tick = () => {
    if (state.busy) return;
    state.busy = true;
    check(databaseUrl, hooks)
      .catch((err: unknown) => stepDown(hooks, err instanceof Error ? err.message : String(err)))
      .finally(() => {
        state.busy = false;
      });
  };
  tick();
  state.timer ??= setInterval(tick, CHECK_MS);
  state.timer.unref();
}
