import "server-only";
import { appendAudit } from "@/lib/audit/append";
import type { Db } from "@/lib/db/client";
import type { AuditLogTable } from "@/lib/db/schema";
import { ensureRegistered, liveness, type Liveness } from "@/lib/desk/app-process";
import { Attempt, type AuditAppend } from "@/lib/desk/reset-audit";
import { resetDefaults, resetMaxMs, type ResetDeps } from "@/lib/desk/reset-deps";
import {
  closeAttempt,
  deferAttempt,
  findAttempt,
  noteRowReset,
  openAttempts,
  type OpenAttempt,
} from "@/lib/desk/reset-ledger";
import { resolveOnce } from "@/lib/desk/reset-resolve";
import { withRowLock, type HeldLock } from "@/lib/desk/row-lock";
import { ROLES, type Role } from "@/lib/model/roles";
import type { MmpRow, ResetResult } from "@/lib/model/types";
import { AppError, isAppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// Crash reconciliation (issue 12, point 5). A reset attempt whose process died between
// `requested` and its result would otherwise stay a lone `requested` row, its row locked until
// the lock expires and its idempotency key pending for a day. At start-up and every few seconds,
// in every process, each open attempt (reset_open) that is due is settled exactly as a live
// unknown outcome is: `unknown`, a re-read of the venue (never a resend), `resolved` — then its
// idempotency key answers that outcome, and its row lock is released.
//
// Due means: its process is gone (lib/desk/app-process.ts), or it outlived its row lock and the
// re-checks its process promised (reset_open.not_before). A reset in flight in a live process is
// never due: its lock has not expired and its process beats. Settling holds the row lock (taken
// over from a process that is gone), and re-checks under it that the attempt is still open, so
// two processes never settle one attempt twice.

/** Idempotency keys, as the HTTP edge keeps them (lib/http/idempotency.ts). */
export interface PendingAnswers {
  pending(): Promise<{ key: string; processId: string | null; createdAt: string }[]>;
  /** Stores the answer for a key still pending (a result, or the refusal); true when stored.
   * A provisional answer is replayed until a later answer for the key replaces it. */
  answer(key: string, outcome: ResetResult | AppError, provisional?: boolean): Promise<boolean>;
}

export interface ReconcileDeps extends ResetDeps {
  audit: AuditAppend;
  answers(db: Db): PendingAnswers;
}

export const RECONCILE_EVERY_MS = 2000;
/** After a re-read that failed, look again this much later. */
const RETRY_MS = 5000;
const FINAL: ReadonlySet<string> = new Set(["ok", "rejected", "resolved"]);
const REASON =
  "no answer recorded: the process that sent it stopped before the venue's answer was recorded";

export type Settled = "resolved" | "deferred" | "not_sent" | "closed" | "gone";

export interface ReconcileReport {
  /** Attempts settled, by what happened to them. */
  attempts: { id: string; key: string; row: string; settled: Settled }[];
  /** Pending keys answered although no attempt of theirs was open (their process is gone). */
  keys: string[];
  /** Row locks of processes that are gone, released. */
  locks: string[];
}

const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/** The attempt as its `requested` row recorded it: who, from where, about what. */
function attemptOf(requested: AuditLogTable, append: AuditAppend): Attempt {
  if (!isRole(requested.role)) throw new Error(`audit row #${requested.seq} has no valid role`);
  const attempt = new Attempt(
    "mmp.reset",
    { username: requested.actor, role: requested.role },
    { clientIp: requested.client_ip, userAgent: requested.user_agent },
    append,
  );
  attempt.about({
    accountId: requested.account_id,
    scope: requested.scope,
    venue: requested.venue,
    idempotencyKey: requested.idempotency_key,
  });
  return attempt;
}

/** The attempt's audit rows: same key, written since it opened (the `at` index bounds the scan;
 * a second of slack for rows stamped a little before the attempt's own clock reading). */
async function rowsOf({ db }: Db, open: OpenAttempt): Promise<AuditLogTable[]> {
  const since = new Date(Date.parse(open.opened_at) - 1000).toISOString();
  return db
    .selectFrom("audit_log")
    .selectAll()
    .where("at", ">=", since)
    .where("idempotency_key", "=", open.idempotency_key)
    .where("action", "=", "mmp.reset")
    .orderBy("seq")
    .execute();
}

async function settle(
  deps: ReconcileDeps,
  handle: Db,
  open: OpenAttempt,
  lock: HeldLock,
): Promise<Settled> {
  // Under the lock: someone may have settled it since we listed it.
  if (!(await findAttempt(handle, open.id))) return "gone";
  const answers = deps.answers(handle);
  const rows = await rowsOf(handle, open);
  const requested = rows.find((r) => r.outcome === "requested");
  if (!requested) {
    // Opened, but `requested` was never written: the venue was not called.
    await answers.answer(
      open.idempotency_key,
      new AppError(
        "state_unconfirmed",
        "the server stopped before this reset was sent: nothing was sent (send a new reset if the row is still frozen)",
      ),
    );
    await closeAttempt(handle, open.id);
    return "not_sent";
  }
  if (rows.some((r) => FINAL.has(r.outcome))) {
    // It finished; only closing it was lost. Its key, if still pending, is answered below.
    await closeAttempt(handle, open.id);
    return "closed";
  }
  const before = JSON.parse(requested.state_before ?? "null") as MmpRow | null;
  if (!before) throw new Error(`audit row #${requested.seq} has no state before`);
  const attempt = attemptOf(requested, deps.audit);
  // The reset may have reached the venue: reads from before now prove nothing, in any process.
  try {
    await noteRowReset(handle, open.row_id, Date.now());
  } catch (err) {
    log.error({ err, row: open.row_id }, "could not record the reset's time; row stays locked");
    lock.keep();
  }
  if (!rows.some((r) => r.outcome === "unknown"))
    await attempt.record({ outcome: "unknown", stateBefore: before, venueMessage: REASON });
  const account = await deps.account(open.account_id);
  const seen =
    account && !account.problem
      ? await resolveOnce(deps, attempt, account, open.scope, before, open)
      : null;
  const result = (summary: string, row: MmpRow | null): ResetResult => ({
    outcome: "unknown",
    message: `Outcome unknown (${REASON}); ${summary}`,
    row,
    // How long the attempt took to settle: the venue's own latency was never measured.
    latencyMs: Date.now() - Date.parse(requested.at),
    serverTime: deps.now(),
  });
  if (seen) {
    await answers.answer(open.idempotency_key, result(seen.summary, seen.row));
    log.warn({ row: open.row_id, seen: seen.summary }, "reset left open by a crash: resolved");
    return "resolved";
  }
  await deferAttempt(handle, open.id, Date.now() + RETRY_MS);
  // Provisional: the pass that resolves the attempt replaces it with what the re-read showed.
  await answers.answer(
    open.idempotency_key,
    result(
      account ? "the re-read failed too; re-checking" : "the account is no longer configured",
      null,
    ),
    true,
  );
  return "deferred";
}

async function settleDue(
  deps: ReconcileDeps,
  handle: Db,
  attempts: OpenAttempt[],
  alive: Liveness,
  report: ReconcileReport,
): Promise<void> {
  const now = Date.now();
  for (const open of attempts) {
    const gone = alive.isGone(open.process_id);
    if (!gone && Date.parse(open.not_before) > now) continue;
    try {
      const settled = await withRowLock(
        handle,
        open.row_id,
        resetMaxMs(deps.settings()),
        (lock) => settle(deps, handle, open, lock),
        { replacing: gone ? open.process_id : undefined },
      );
      report.attempts.push({ id: open.id, key: open.idempotency_key, row: open.row_id, settled });
    } catch (err) {
      // Locked by a live reset of the row: this attempt waits for the next pass.
      if (!isAppError(err, "reset_in_progress"))
        log.error({ err, row: open.row_id }, "could not settle a reset left open");
    }
  }
}

/** Keys whose first request died before an attempt opened (or after it closed): answered with
 * what the audit trail shows, so a retry with the key is not refused for a day. */
async function answerOrphans(
  deps: ReconcileDeps,
  handle: Db,
  pending: Awaited<ReturnType<PendingAnswers["pending"]>>,
  alive: Liveness,
  report: ReconcileReport,
): Promise<void> {
  if (pending.length === 0) return;
  const open = new Set((await openAttempts(handle)).map((a) => a.idempotency_key));
  const oldest = Date.now() - 2 * resetMaxMs(deps.settings());
  for (const k of pending) {
    if (open.has(k.key)) continue;
    if (!alive.isGone(k.processId) && Date.parse(k.createdAt) > oldest) continue;
    const sent = await handle.db
      .selectFrom("audit_log")
      .select(["seq", "outcome"])
      .where("at", ">=", new Date(Date.parse(k.createdAt) - 1000).toISOString())
      .where("idempotency_key", "=", k.key)
      .where("outcome", "=", "requested")
      .executeTakeFirst();
    const message = sent
      ? `the server stopped before this request was answered; the reset was sent (audit row #${sent.seq}) and the audit trail has its outcome`
      : "the server stopped before this reset was sent: nothing was sent (send a new reset if the row is still frozen)";
    if (await deps.answers(handle).answer(k.key, new AppError("state_unconfirmed", message)))
      report.keys.push(k.key);
  }
}

/** Releases row locks whose process is gone and which no open attempt needs (a crash while the
 * state was being read: nothing was sent). */
async function releaseOrphanLocks(
  handle: Db,
  locks: { row_id: string; holder: string }[],
  alive: Liveness,
  report: ReconcileReport,
): Promise<void> {
  for (const l of locks) {
    if (!alive.isGone(l.holder.split(":")[0] ?? null)) continue;
    const gone = await handle.db
      .deleteFrom("row_lock")
      .where("row_id", "=", l.row_id)
      .where("holder", "=", l.holder)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) === 1) report.locks.push(l.row_id);
  }
}

/** One pass: settles every due attempt, answers orphaned keys, releases orphaned locks. */
export async function reconcileOnce(
  overrides: Partial<ReconcileDeps> & Pick<ReconcileDeps, "answers">,
): Promise<ReconcileReport> {
  const deps: ReconcileDeps = {
    ...resetDefaults(),
    audit: (entry) => appendAudit(entry),
    ...overrides,
  };
  const handle = await deps.db();
  await ensureRegistered(handle);
  const report: ReconcileReport = { attempts: [], keys: [], locks: [] };
  const attempts = await openAttempts(handle);
  const pending = await deps.answers(handle).pending();
  const locks = await handle.db.selectFrom("row_lock").select(["row_id", "holder"]).execute();
  if (attempts.length + pending.length + locks.length === 0) return report;
  // After reading the rows that name processes: a process registers before naming itself, so
  // one that appears in them is in this snapshot too.
  const alive = await liveness(handle);
  await settleDue(deps, handle, attempts, alive, report);
  await answerOrphans(deps, handle, pending, alive, report);
  const stillOpen = new Set((await openAttempts(handle)).map((a) => a.row_id));
  await releaseOrphanLocks(
    handle,
    locks.filter((l) => !stillOpen.has(l.row_id)),
    alive,
    report,
  );
  return report;
}

const loop = singleton("reset-reconciler", () => ({ timer: null as NodeJS.Timeout | null }));

/** Reconciles now and every RECONCILE_EVERY_MS (once per process; passes never overlap). */
export function startReconciler(
  overrides: Partial<ReconcileDeps> & Pick<ReconcileDeps, "answers">,
): void {
  if (loop.timer) return;
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const report = await reconcileOnce(overrides);
      if (report.attempts.length + report.keys.length + report.locks.length > 0)
        log.info(report, "reconciled resets left open");
    } catch (err) {
      log.error({ err }, "reset reconciliation failed");
    } finally {
      running = false;
    }
  };
  void pass();
  loop.timer = setInterval(() => void pass(), RECONCILE_EVERY_MS);
  loop.timer.unref();
}
