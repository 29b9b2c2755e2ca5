import "server-only";
import { getConfig } from "@/lib/config/runtime";
import { settings } from "@/lib/config/settings";
import { readAccount, rowsOf } from "@/lib/mmp/account-state";
import type { DeskSnapshot } from "@/lib/mmp/types";

/** The desk: every account × scope. Reads younger than half a poll interval are shared, so any
 * number of viewers cost the venues the same. */
export async function getDeskSnapshot(): Promise<DeskSnapshot> {
  const config = await getConfig();
  const { pollIntervalMs, staleAfterMs } = settings();
  const maxAgeMs = pollIntervalMs / 2;
  await Promise.all(config.accounts.map((account) => readAccount(account, maxAgeMs)));
  const now = Date.now();
  return {
    serverTime: now,
    demo: config.demo,
    rows: config.accounts.flatMap((account) => rowsOf(account, now)),
    pollIntervalMs,
    staleAfterMs,
  };
}
