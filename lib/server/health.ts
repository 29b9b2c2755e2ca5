import "server-only";
import { sql } from "kysely";
import { clusterRole, roleState } from "@/lib/live/cluster/role";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/platform/env";
import { hub } from "@/lib/live/hub";
import { monitorRunning } from "@/lib/live/monitor";
import { pushStatus } from "@/lib/live/push";

export interface Health {
  ready: boolean;
  live: true;
  role: ReturnType<typeof clusterRole>;
  roleSince: string;
  database: { ok: boolean; dialect: string | null; error?: string };
  monitor: { running: boolean; expected: boolean };
  streams: number;
  push: ReturnType<typeof pushStatus>;
}

/** Liveness: the process answers. Readiness: the database answers and this process does its
 * part — a leader (or single process) polls; a follower is listening for the leader's state. */
export async function health(): Promise<Health> {
  let database: Health["database"] = { ok: false, dialect: null };
  try {
    const { db, dialect } = await getDb();
    await sql`SELECT 1`.execute(db);
    database = { ok: true, dialect };
  } catch (err) {
    database = {
      ok: false,
      dialect: null,
      error: err instanceof Error ? err.message : String(err),
    };
  }
  const role = clusterRole();
  const expected = env().MMP_MONITOR !== "off" && role !== "follower";
  const running = monitorRunning();
  return {
    ready: database.ok && running === expected,
    live: true,
    role,
    roleSince: new Date(roleState.since).toISOString(),
    database,
    monitor: { running, expected },
    streams: hub.streams,
    push: pushStatus(),
  };
}
