import "server-only";
import { settings } from "@/lib/config/settings";
import { deadManOf, noteDeadManAttempt, rowsOf, setDeadMan } from "@/lib/live/account-state";
import { log } from "@/lib/platform/log";
import type { VenueAccount } from "@/lib/venues/account";
import { guardedSideRead } from "@/lib/venues/guard";

// Reads each account's dead-man switch at a slow cadence (MMP_DEADMAN_POLL_INTERVAL_MS, 60 s),
// inside the account's rate budget and blocks, from the monitor's loop. Read-only by
// construction: the adapters call only the venues' read endpoints (docs/venues.md#dead-man-switches).

/** Whether the account's switch is due for a read (never read, or read longer ago than the
 * interval). */
export function deadManDue(account: VenueAccount, now = Date.now()): boolean {
  if (account.problem || !account.adapter.readDeadMan) return false;
  const { attemptedAt } = deadManOf(account.account.id);
  return attemptedAt === null || now - attemptedAt >= settings().deadManPollIntervalMs;
}

export async function readDeadMan(account: VenueAccount): Promise<void> {
  if (account.problem) return;
  const { adapter, ctx, guard } = account;
  const readSwitch = adapter.readDeadMan;
  if (!readSwitch) return;
  const read = readSwitch.bind(adapter);
  const before = deadManOf(account.account.id);
  const attemptedAt = Date.now();
  noteDeadManAttempt(account.account.id, attemptedAt);
  const scopes = account.account.scopes ?? rowsOf(account).map((r) => r.scope);
  try {
    const result = await guardedSideRead(guard, settings().readTimeoutMs, () => read(ctx, scopes));
    setDeadMan(account, { read: result, fetchedAt: Date.now(), attemptedAt, problem: null });
  } catch (err) {
    const message = err instanceof Error ? err.message : "read failed";
    log.warn({ account: account.account.id, err: message }, "dead-man switch read failed");
    setDeadMan(account, { ...before, attemptedAt, problem: `cannot read it: ${message}` });
  }
}
