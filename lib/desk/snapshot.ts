import "server-only";
import { getConfig } from "@/lib/config/runtime";
import { settings } from "@/lib/config/settings";
import { everRead, readAccount, rowsOf } from "@/lib/live/account-state";
import type { DeskSnapshot } from "@/lib/model/types";
import { monitorRunning } from "@/lib/live/monitor";
import { clusterRole } from "@/lib/live/cluster/role";
import { venueAccounts } from "@/lib/venues/account";

/** The desk: every account × scope, from the latest reads. While the monitor polls, a viewer
 * never causes a venue read nor waits for one (only an account never read yet is read, once,
 * shared); without it (e.g. a process that does not poll) reads younger than half a poll
 * interval are shared. */
export async function getDeskSnapshot(): Promise<DeskSnapshot> {
  const config = await getConfig();
  const accounts = venueAccounts(config);
  const { pollIntervalMs, staleAfterMs } = settings();
  // Followers never read: the leader shares every read with them.
  const cacheOnly = monitorRunning() || clusterRole() === "follower";
  const maxAgeMs = cacheOnly ? Number.POSITIVE_INFINITY : pollIntervalMs / 2;
  // While the monitor polls, a snapshot waits only for an account's first read. Joining a read
  // under way held the desk's answer (and the page's first byte) for as long as that read took:
  // up to a read timeout with its retries while a venue is slow or gone, the moment the desk must
  // show UNKNOWN promptly; and seconds on a desk whose reads wait for a shared rate budget.
  const toRead = cacheOnly ? accounts.filter((account) => !everRead(account)) : accounts;
  if (clusterRole() !== "follower") {
    await Promise.all(toRead.map((account) => readAccount(account, maxAgeMs)));
  }
  const now = Date.now();
  return {
    serverTime: now,
    demo: config.demo,
    rows: accounts.flatMap((account) => rowsOf(account, now)),
    pollIntervalMs,
    staleAfterMs,
  };
}
