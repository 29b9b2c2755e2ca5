import "server-only";
import { startLeadership } from "@/lib/live/cluster/leader";
import { startSync } from "@/lib/live/cluster/sync";
import { startMonitor, stopMonitor } from "@/lib/live/monitor";

/** PostgreSQL deployments: any number of processes, one poller (the leader), one shared desk.
 * What the other processes share reaches this one's browsers through its account-state store
 * (imports are announced like reads; lib/live/publish.ts sends them on, not back). */
export async function startCluster(databaseUrl: string): Promise<void> {
  await startSync(databaseUrl);
  startLeadership(databaseUrl, { onLead: () => startMonitor(), onLose: () => void stopMonitor() });
}
