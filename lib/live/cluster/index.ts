import "server-only";
import { startLeadership } from "@/lib/live/cluster/leader";
import { startSync } from "@/lib/live/cluster/sync";
import { getConfig } from "@/lib/config/runtime";
import { publishAccount } from "@/lib/live/publish";
import { startMonitor, stopMonitor } from "@/lib/live/monitor";

/** PostgreSQL deployments: any number of processes, one poller (the leader), one shared desk. */
export async function startCluster(databaseUrl: string): Promise<void> {
  await startSync(databaseUrl, (accountId) => {
    void getConfig().then((config) => {
      const account = config.accounts.find((a) => a.id === accountId);
      if (account) publishAccount(account, { remote: true });
    });
  });
  startLeadership(databaseUrl, { onLead: () => startMonitor(), onLose: () => void stopMonitor() });
}
