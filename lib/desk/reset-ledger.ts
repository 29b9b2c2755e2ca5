import "server-only";
import { randomUUID } from "node:crypto";
import { ensureRegistered, processId } from "@/lib/desk/app-process";
import type { Db } from "@/lib/db/client";
import { deferFsync } from "@/lib/db/durability";
import type { ResetOpenTable } from "@/lib/db/schema";
import { noteClearedTrigger } from "@/lib/venues/cleared-triggers";

// Two small tables that make a reset survive a crash and count once across processes
// (migration 0007):
// - open attempts: opened before `requested` is written, closed once the attempt has its final
//   audit row (`ok`, `rejected`, `resolved`). Whatever is still open after its process is gone,
//   or long after its row lock ran out, is settled by lib/desk/reset-reconcile.ts.
// - each row's last reset: when a reset of the row last reached, or may have reached, the venue,
//   and which freeze (its trigger time) a reset is known to have cleared. Written before the row
//   lock is released, read after it is taken, so every process sees it.
// Opening, deferring and closing attempts and noting a reset's time do not wait for the disk: the
// audit append that follows each of them does (`requested`, `unknown`, `ok`), and an attempt a
// power cut leaves open is settled like one a crash leaves (lib/db/durability.ts). Which freeze a
// reset cleared, learnt later from a read (noteFreezeCleared), waits for the disk itself.

const iso = (ms: number) => new Date(ms).toISOString();

export type OpenAttempt = ResetOpenTable;

export interface AttemptTarget {
  idempotencyKey: string;
  accountId: string;
  scope: string;
}

export const rowIdOf = (accountId: string, scope: string) => `${accountId}/${scope}`;

/** This process's venue readers learn which freeze is cleared (account ids hold no "/"). */
function remember(rowId: string, triggerAt: number): void {
  const slash = rowId.indexOf("/");
  if (slash > 0) noteClearedTrigger(rowId.slice(0, slash), rowId.slice(slash + 1), triggerAt);
}

/** Records an attempt about to be sent; the reconciler leaves it alone before `notBefore` while
 * this process lives. */
export async function openAttempt(
  handle: Db,
  target: AttemptTarget,
  notBefore: number,
): Promise<OpenAttempt> {
  await ensureRegistered(handle);
  const row: OpenAttempt = {
    id: randomUUID(),
    idempotency_key: target.idempotencyKey,
    row_id: rowIdOf(target.accountId, target.scope),
    account_id: target.accountId,
    scope: target.scope,
    process_id: processId(),
    opened_at: iso(Date.now()),
    not_before: iso(notBefore),
  };
  await deferFsync(() => handle.db.insertInto("reset_open").values(row).execute());
  return row;
}

/** The attempt will settle later (background re-checks): leave it alone until then. */
export async function deferAttempt({ db }: Db, id: string, notBefore: number): Promise<void> {
  await deferFsync(() =>
    db
      .updateTable("reset_open")
      .set({ not_before: iso(notBefore) })
      .where("id", "=", id)
      .execute(),
  );
}

export async function closeAttempt({ db }: Db, id: string): Promise<void> {
  await deferFsync(() => db.deleteFrom("reset_open").where("id", "=", id).execute());
}

export async function openAttempts({ db }: Db): Promise<OpenAttempt[]> {
  return db.selectFrom("reset_open").selectAll().orderBy("opened_at").execute();
}

export async function findAttempt({ db }: Db, id: string): Promise<OpenAttempt | undefined> {
  return db.selectFrom("reset_open").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Records that a reset of the row reached, or may have reached, the venue at `at` (ms); and,
 * when it is known to have taken effect, the trigger time of the freeze it cleared (on the venue's
 * clock). */
export async function noteRowReset(
  { db }: Db,
  rowId: string,
  at: number,
  clearedTriggerAt: number | null = null,
): Promise<void> {
  const resetAt = iso(at);
  const cleared = clearedTriggerAt === null ? null : iso(clearedTriggerAt);
  await deferFsync(() =>
    db
      .insertInto("row_reset")
      .values({ row_id: rowId, reset_at: resetAt, cleared_trigger_at: cleared })
      .onConflict((oc) =>
        oc
          .column("row_id")
          .doUpdateSet(
            cleared === null
              ? { reset_at: resetAt }
              : { reset_at: resetAt, cleared_trigger_at: cleared },
          ),
      )
      .execute(),
  );
  if (clearedTriggerAt !== null) remember(rowId, clearedTriggerAt);
}

/** Records that a reset is known to have cleared the freeze triggered at `triggerAt` (ms, on the
 * venue's clock). */
export async function noteFreezeCleared(
  { db }: Db,
  rowId: string,
  triggerAt: number,
): Promise<void> {
  const cleared = iso(triggerAt);
  await db
    .insertInto("row_reset")
    .values({ row_id: rowId, reset_at: iso(Date.now()), cleared_trigger_at: cleared })
    .onConflict((oc) => oc.column("row_id").doUpdateSet({ cleared_trigger_at: cleared }))
    .execute();
  remember(rowId, triggerAt);
}

/** At start: the venue readers learn every freeze a reset through the desk is known to have
 * cleared, so that a restart does not show those rows FROZEN again (a venue without a frozen
 * flag may keep reporting the trigger: lib/venues/cleared-triggers.ts). Returns how many. */
export async function loadClearedFreezes({ db }: Db): Promise<number> {
  const rows = await db
    .selectFrom("row_reset")
    .select(["row_id", "cleared_trigger_at"])
    .where("cleared_trigger_at", "is not", null)
    .execute();
  for (const r of rows)
    if (r.cleared_trigger_at) remember(r.row_id, Date.parse(r.cleared_trigger_at));
  return rows.length;
}

export interface RowResets {
  /** When a reset last reached, or may have reached, the venue (ms). */
  resetAt: number;
  /** Trigger time of the last freeze a reset is known to have cleared (ms, on the venue's clock:
   * lib/desk/venue-time.ts), if any. */
  clearedTriggerAt: number | null;
}

export async function lastRowReset({ db }: Db, rowId: string): Promise<RowResets | null> {
  const row = await db
    .selectFrom("row_reset")
    .select(["reset_at", "cleared_trigger_at"])
    .where("row_id", "=", rowId)
    .executeTakeFirst();
  if (!row) return null;
  const cleared = row.cleared_trigger_at;
  return {
    resetAt: Date.parse(row.reset_at),
    clearedTriggerAt: cleared === null ? null : Date.parse(cleared),
  };
}
