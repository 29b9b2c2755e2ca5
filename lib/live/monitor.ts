import "server-only";
import { getConfig } from "@/lib/config/runtime";
import { settings } from "@/lib/config/settings";
import {
  announce,
  isSparse,
  readAccount,
  rowsOf,
  setPaced,
  versionOf,
} from "@/lib/live/account-state";
import { deadManDue, readDeadMan } from "@/lib/live/dead-man";
import { ensurePush, stopPush } from "@/lib/live/push";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";
import { venueAccount, venueAccounts, type VenueAccount } from "@/lib/venues/account";

// The one upstream poller of this process. Each account has its own loop: it reads the venue
// (the account-state store announces the result to every open stream), and schedules the next read — sooner while a row is
// frozen. Loops start spread over one interval and carry ±10 % jitter, so accounts never poll in
// bursts. Viewers never cause reads: they only listen (lib/live/hub.ts).

interface MonitorState {
  running: boolean;
  loops: Map<string, NodeJS.Timeout>;
  supervisor: NodeJS.Timeout | null;
  /** Accounts this process may poll: all, or (scale-out) only those it leads. */
  owns: (accountId: string) => boolean;
  /** Accounts per venue host, for venues whose budget is per host (IP) rather than per key. */
  perHost: Map<string, number>;
}

const state = singleton<MonitorState>("monitor", () => ({
  running: false,
  loops: new Map(),
  supervisor: null,
  owns: () => true,
  perHost: new Map(),
}));
const hostKey = (account: VenueAccount) =>
  `${account.account.venue} ${new URL(account.account.baseUrl).host}`;
const SUPERVISE_MS = 5000;

export const monitorRunning = () => state.running;

/** Polls never use more than half the account's rate budget, so resets always find tokens. */
const BUDGET_SHARE_FOR_POLLS = 0.5;

/** The account's poll interval before jitter, and the part of it a rate budget imposes. */
function pollInterval(account: VenueAccount): { intervalMs: number; pacedMs: number | null } {
  const s = settings();
  const rows = rowsOf(account);
  const frozen = rows.some((r) => r.status === "frozen");
  const { adapter } = account;
  const cost = adapter ? adapter.readCost(Math.max(rows.length, 1)) : 0;
  // The account's budget as resolved (an account may set its own share of the venue's).
  const limit = account.problem === null ? account.guard.limit : adapter?.rateLimit;
  const paced = limit ? (cost / (limit.perSecond * BUDGET_SHARE_FOR_POLLS)) * 1000 : 0;
  // A venue counting per IP: the accounts on the host split half of its budget between them.
  const host = adapter?.hostLimit?.(account.account.baseUrl) ?? null;
  const sharing = state.perHost.get(hostKey(account)) ?? 1;
  const hostPaced = host
    ? (cost / ((host.perSecond * BUDGET_SHARE_FOR_POLLS) / sharing)) * 1000
    : 0;
  // Sparse, frozen or not, while a push channel brings the triggers and reads cost quoting
  // credits: an unfreeze by expiry is known from the trigger's end time, one by a reset here is
  // re-read by the reset, and one elsewhere shows at the next sparse read.
  const interval = isSparse(account.account.id)
    ? Math.max(s.pushedPollIntervalMs, s.pollIntervalMs)
    : frozen
      ? s.frozenPollIntervalMs
      : s.pollIntervalMs;
  const budget = Math.max(paced, hostPaced);
  return {
    intervalMs: Math.max(interval, budget),
    // With jitter a paced read may come 10 % late.
    pacedMs: budget > interval ? Math.round(budget * 1.1) : null,
  };
}

function nextDelay(account: VenueAccount): number {
  const { intervalMs, pacedMs } = pollInterval(account);
  // Rows of an account read less often than configured stay fresh until a paced read is missed.
  setPaced(account, pacedMs);
  return Math.round(intervalMs * (0.9 + Math.random() * 0.2));
}

async function tick(accountId: string): Promise<void> {
  state.loops.delete(accountId);
  if (!state.running) return;
  const startedAt = Date.now();
  const account = venueAccount(await getConfig(), accountId);
  if (!account || !state.owns(accountId)) return;
  try {
    const seen = versionOf(accountId);
    // Reads shared with resets: a read younger than half an interval is reused, not repeated.
    if (!account.problem) await readAccount(account, settings().frozenPollIntervalMs / 2);
    // Streams hear about every account once per poll even when nothing was read (served from
    // memory, or the account cannot be read): the browser takes each update as proof the server
    // is live and dates its clock offset by it, and a row past the stale limit is sent UNKNOWN.
    if (versionOf(accountId) === seen) announce(account);
    // The dead-man switch at its own slow cadence, after the MMP read and off its critical path.
    if (deadManDue(account)) void readDeadMan(account);
  } catch (err) {
    log.error({ err, account: accountId }, "monitor tick failed");
  }
  // Fixed-rate, not fixed-delay: a slow read or a busy process does not stretch the interval.
  schedule(account, Math.max(0, nextDelay(account) - (Date.now() - startedAt)));
}

/** The push channel of a sparsely read account went down: the next read comes at the normal
 * interval from now, not at the end of the sparse one. */
function pollSoon(account: VenueAccount): void {
  const { id } = account.account;
  const timer = state.loops.get(id);
  if (!timer) return;
  clearTimeout(timer);
  state.loops.delete(id);
  schedule(account, nextDelay(account));
}

function schedule(account: VenueAccount, delayMs: number): void {
  const { id } = account.account;
  if (!state.running || state.loops.has(id)) return;
  const timer = setTimeout(() => void tick(id), delayMs);
  timer.unref();
  state.loops.set(id, timer);
}

async function supervise(): Promise<void> {
  const accounts = venueAccounts(await getConfig()).filter((a) => state.owns(a.account.id));
  const interval = settings().pollIntervalMs;
  state.perHost = new Map();
  for (const a of accounts) state.perHost.set(hostKey(a), (state.perHost.get(hostKey(a)) ?? 0) + 1);
  accounts.forEach((account, i) => {
    if (!state.loops.has(account.account.id))
      schedule(account, Math.round((i / Math.max(accounts.length, 1)) * interval));
    ensurePush(account, () => pollSoon(account));
  });
  const wanted = new Set(accounts.map((a) => a.account.id));
  for (const [id, timer] of state.loops) {
    if (!wanted.has(id)) {
      clearTimeout(timer);
      state.loops.delete(id);
      void stopPush(id);
    }
  }
}

export function startMonitor(owns: (accountId: string) => boolean = () => true): void {
  state.owns = owns;
  if (state.running) return;
  state.running = true;
  void supervise();
  state.supervisor = setInterval(
    () => void supervise().catch((err: unknown) => log.error({ err }, "monitor supervisor failed")),
    SUPERVISE_MS,
  );
  state.supervisor.unref();
  log.info({ pollIntervalMs: settings().pollIntervalMs }, "monitor started");
}

export async function stopMonitor(): Promise<void> {
  state.running = false;
  if (state.supervisor) clearInterval(state.supervisor);
  for (const [id, timer] of state.loops) {
    clearTimeout(timer);
    await stopPush(id);
  }
  state.loops.clear();
}
