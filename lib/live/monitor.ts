import "server-only";
import type { ResolvedAccount } from "@/lib/config/load";
import { getConfig } from "@/lib/config/runtime";
import { settings } from "@/lib/config/settings";
import { publishAccount } from "@/lib/live/publish";
import { accountProblem, readAccount, rowsOf } from "@/lib/live/account-state";
import { ensurePush, stopPush } from "@/lib/live/push";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";
import { adapterFor } from "@/lib/venues/registry";

// The one upstream poller of this process. Each account has its own loop: it reads the venue,
// publishes the rows to every open stream, and schedules the next read — sooner while a row is
// frozen. Loops start spread over one interval and carry ±10 % jitter, so accounts never poll in
// bursts. Viewers never cause reads: they only listen (lib/live/hub.ts).

interface MonitorState {
  running: boolean;
  loops: Map<string, NodeJS.Timeout>;
  supervisor: NodeJS.Timeout | null;
  /** Accounts this process may poll: all, or (scale-out) only those it leads. */
  owns: (accountId: string) => boolean;
}

const state = singleton<MonitorState>("monitor", () => ({
  running: false,
  loops: new Map(),
  supervisor: null,
  owns: () => true,
}));
const SUPERVISE_MS = 5000;

export const monitorRunning = () => state.running;

/** Polls never use more than half the account's rate budget, so resets always find tokens. */
const BUDGET_SHARE_FOR_POLLS = 0.5;

function nextDelay(account: ResolvedAccount): number {
  const s = settings();
  const rows = rowsOf(account);
  const frozen = rows.some((r) => r.status === "frozen");
  const adapter = adapterFor(account.venue);
  const paced = adapter
    ? (adapter.readCost(Math.max(rows.length, 1)) /
        (adapter.rateLimit.perSecond * BUDGET_SHARE_FOR_POLLS)) *
      1000
    : 0;
  const base = Math.max(frozen ? s.frozenPollIntervalMs : s.pollIntervalMs, paced);
  return Math.round(base * (0.9 + Math.random() * 0.2));
}

async function tick(accountId: string): Promise<void> {
  state.loops.delete(accountId);
  if (!state.running) return;
  const startedAt = Date.now();
  const account = (await getConfig()).accounts.find((a) => a.id === accountId);
  if (!account || !state.owns(accountId)) return;
  try {
    // Reads shared with resets: a read younger than half an interval is reused, not repeated.
    if (!accountProblem(account)) await readAccount(account, settings().frozenPollIntervalMs / 2);
    publishAccount(account);
  } catch (err) {
    log.error({ err, account: accountId }, "monitor tick failed");
  }
  // Fixed-rate, not fixed-delay: a slow read or a busy process does not stretch the interval.
  schedule(account, Math.max(0, nextDelay(account) - (Date.now() - startedAt)));
}

function schedule(account: ResolvedAccount, delayMs: number): void {
  if (!state.running || state.loops.has(account.id)) return;
  const timer = setTimeout(() => void tick(account.id), delayMs);
  timer.unref();
  state.loops.set(account.id, timer);
}

async function supervise(): Promise<void> {
  const accounts = (await getConfig()).accounts.filter((a) => state.owns(a.id));
  const interval = settings().pollIntervalMs;
  accounts.forEach((account, i) => {
    if (!state.loops.has(account.id))
      schedule(account, Math.round((i / Math.max(accounts.length, 1)) * interval));
    ensurePush(account);
  });
  const wanted = new Set(accounts.map((a) => a.id));
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
