import "server-only";
import type { Attempt } from "@/lib/desk/reset-audit";
import { appErrorStatus } from "@/lib/http/errors";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// `denied` rows: who tried what, and why it was refused, with the status and code they got.
//
// A refusal costs the refuser nothing, so one user could grow the audit trail (and every
// verification of its chain) without bound: 1,500 rows in 5 s from one cookie. Refusals are
// therefore written one by one only up to a budget per user and minute, and the rest of that
// minute becomes ONE row with the count, written when the minute ends (or at shutdown):
// - refused at the edge (bad origin, no permission, a body that is not a request): the first in
//   the minute gets its row. These rows are all alike and name no request a client could look up,
//   so the first plus a count is the whole evidence.
// - refused by the use case (a well-formed request with its idempotency key: not frozen, busy,
//   unknown account…): up to MMP_DENIED_ROWS_PER_MINUTE rows, since such refusals are a normal part
//   of contention (two traders clicking at once) and a client may look its key up in the trail.
// Only the writing is coalesced; every refusal is still answered. The budget is per user, so
// another user's rows (denied or not) are untouched, and per process (the worst case with N
// processes is N times the rows).
//
// Edge refusals beyond the first EDGE_FREE of a user's minute are also answered late (a tarpit):
// 100 ms more per refusal, up to 2 s (MMP_REFUSAL_DELAY_MAX_MS). Each one still costs the server a session check, so a
// script that retries a refused request in a loop would otherwise take the event loop from
// everyone else; waiting costs nothing, and slows such a loop to one request per 2 s. No
// legitimate client is refused at the edge twenty times a minute.

/** Where the refusal was decided (lib/http/state-changing.ts). */
export type RefusalStage = "edge" | "use-case";

export interface DeniedPolicy {
  windowMs: number;
  /** Rows per window for use-case refusals; edge refusals get one. */
  useCaseRows: number;
  /** Edge refusals per window answered at once; later ones wait (tarpit). */
  edgeFree?: number;
  /** How much longer each later one waits, up to maxDelayMs. */
  delayStepMs?: number;
  maxDelayMs?: number;
}

const EDGE_FREE = 20;
const DELAY_STEP_MS = 100;
const MAX_DELAY_MS = 2000;

interface Coalesced {
  count: number;
  /** "403 forbidden" → how many. */
  byCode: Map<string, number>;
  last: { attempt: Attempt; detail: string };
}

interface UserWindow {
  edgeRows: number;
  useCaseRows: number;
  coalesced: Coalesced | null;
  timer: ReturnType<typeof setTimeout>;
}

function codeOf(err: unknown): string {
  return err instanceof AppError ? `${appErrorStatus(err)} ${err.code}` : "refused";
}

function detailOf(err: unknown): string {
  return err instanceof AppError ? `${codeOf(err)}: ${err.message}` : "refused";
}

function summaryOf(username: string, c: Coalesced): string {
  const codes = [...c.byCode].map(([code, n]) => `${code} ×${n}`).join(", ");
  return (
    `${c.count} more refused attempt${c.count === 1 ? "" : "s"} by ${username} in this minute, ` +
    `counted rather than written one by one (${codes}); the last: ${c.last.detail}`
  );
}

export class DeniedRows {
  private readonly windows = new Map<string, UserWindow>();

  constructor(private readonly policy: DeniedPolicy) {}

  /** Records a refused attempt: its own row while the user's budget lasts, else counted. */
  async record(attempt: Attempt, err: unknown, stage: RefusalStage): Promise<void> {
    const user = attempt.user.username;
    let window = this.windows.get(user);
    if (!window) {
      const timer = setTimeout(() => void this.close(user), this.policy.windowMs);
      // A pending count must not keep a process alive that has nothing else to do.
      timer.unref();
      window = { edgeRows: 0, useCaseRows: 0, coalesced: null, timer };
      this.windows.set(user, window);
    }
    const detail = detailOf(err);
    // Decided synchronously, before any write, so a burst cannot slip past the budget.
    const ownRow =
      stage === "edge" ? window.edgeRows++ < 1 : window.useCaseRows++ < this.policy.useCaseRows;
    if (ownRow) return write(attempt, detail);
    const c = (window.coalesced ??= { count: 0, byCode: new Map(), last: { attempt, detail } });
    c.count += 1;
    c.byCode.set(codeOf(err), (c.byCode.get(codeOf(err)) ?? 0) + 1);
    c.last = { attempt, detail };
  }

  /** How long to hold the answer to the user's latest edge refusal (0 within the free ones). */
  delayMs(user: string): number {
    const over = (this.windows.get(user)?.edgeRows ?? 0) - (this.policy.edgeFree ?? EDGE_FREE);
    if (over <= 0) return 0;
    return Math.min(
      this.policy.maxDelayMs ?? MAX_DELAY_MS,
      over * (this.policy.delayStepMs ?? DELAY_STEP_MS),
    );
  }

  /** Writes every pending count now (at shutdown; tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.windows.keys()].map((user) => this.close(user)));
  }

  /** Ends the user's window: its count, if any, becomes one row. */
  private async close(user: string): Promise<void> {
    const window = this.windows.get(user);
    if (!window) return;
    this.windows.delete(user);
    clearTimeout(window.timer);
    const c = window.coalesced;
    if (!c) return;
    // The row stands for many requests: it names none of their idempotency keys.
    c.last.attempt.about({ idempotencyKey: null });
    await write(c.last.attempt, summaryOf(user, c));
  }
}

async function write(attempt: Attempt, detail: string): Promise<void> {
  // Nothing was sent, so the refusal stands even if it cannot be recorded; say so loudly.
  await attempt
    .record({ outcome: "denied", detail })
    .catch((auditErr: unknown) =>
      log.error({ err: auditErr, detail }, "audit write failed for a denied attempt"),
    );
}

/** The process's refusal budget (one per process, shared by every route bundle). */
export function deniedRows(): DeniedRows {
  return singleton(
    "denied-rows",
    () =>
      new DeniedRows({
        windowMs: 60_000,
        useCaseRows: env().MMP_DENIED_ROWS_PER_MINUTE,
        maxDelayMs: env().MMP_REFUSAL_DELAY_MAX_MS,
      }),
  );
}

/** Records a refused attempt (no permission, bad origin, bad input, not frozen, busy…) within the
 * user's budget of `denied` rows. */
export function recordDenied(attempt: Attempt, err: unknown, stage: RefusalStage): Promise<void> {
  return deniedRows().record(attempt, err, stage);
}

/** Holds the answer to an edge refusal as long as the user's flood of them calls for. */
export async function tarpit(username: string): Promise<void> {
  const ms = deniedRows().delayMs(username);
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}

/** Writes the counts of refusals not yet written: call at shutdown, before the database closes. */
export function flushDenied(): Promise<void> {
  return deniedRows().flush();
}
