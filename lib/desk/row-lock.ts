import "server-only";
import { randomUUID } from "node:crypto";
import { ensureRegistered, processId } from "@/lib/desk/app-process";
import type { Db } from "@/lib/db/client";
import { deferFsync } from "@/lib/db/durability";
import { AppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";
import { addSpan } from "@/lib/platform/server-timing";

// Per-row mutual exclusion for resets, kept in the database so it holds across every app process
// on it: a second reset of a row while one is in flight is refused with "already in progress"
// (two resets of one frozen row would be one too many: the second could clear a fresh trigger).
// The lock is held across the whole check-and-send (the fresh read, the check against the row's
// last reset, the venue call and its audit rows), so two processes can never both pass the check.
// The crash reconciler takes the same lock before it settles an attempt. Taking and releasing it
// do not wait for the disk: an audit append does, before anything is sent or answered, and a lock
// a power cut brings back expires or is released by the reconciler (lib/db/durability.ts).

const isConflict = (err: unknown) => /unique|duplicate|primary key|constraint/i.test(String(err));
const iso = (ms: number) => new Date(ms).toISOString();

export interface HeldLock {
  rowId: string;
  /** `<process id>:<uuid>`: the process holding it is named first. */
  holder: string;
  /** When it was taken (Date.now() of this process). */
  acquiredAt: number;
  /** Leave the lock to expire instead of releasing it (when what it protects could not be
   * recorded, the row stays locked for its whole TTL). */
  keep(): void;
}

export interface LockOptions {
  now?: () => number;
  /** A process known to be gone: its lock may be taken over before it expires. */
  replacing?: string;
}

export async function withRowLock<T>(
  handle: Db,
  rowId: string,
  ttlMs: number,
  run: (lock: HeldLock) => Promise<T>,
  { now = Date.now, replacing }: LockOptions = {},
): Promise<T> {
  const { db } = handle;
  const lockStarted = performance.now();
  // Registered before the lock names this process: a lock naming an unregistered process is
  // taken for one left by a process that is gone, and released by the reconciler.
  await ensureRegistered(handle);
  const holder = `${processId()}:${randomUUID()}`;
  const expires = iso(now() + ttlMs);
  let acquired = false;
  try {
    await deferFsync(() =>
      db.insertInto("row_lock").values({ row_id: rowId, holder, expires_at: expires }).execute(),
    );
    acquired = true;
  } catch (err) {
    if (!isConflict(err)) throw err;
    // A lock left by a crashed process expires; take it over only then (or when its process is
    // known to be gone). One statement, so two processes cannot both take it over.
    const taken = await deferFsync(() =>
      db
        .updateTable("row_lock")
        .set({ holder, expires_at: expires })
        .where("row_id", "=", rowId)
        .where((eb) =>
          replacing
            ? eb.or([eb("expires_at", "<", iso(now())), eb("holder", "like", `${replacing}:%`)])
            : eb("expires_at", "<", iso(now())),
        )
        .executeTakeFirst(),
    );
    acquired = Number(taken.numUpdatedRows) === 1;
  }
  addSpan("lock", performance.now() - lockStarted);
  if (!acquired)
    throw new AppError("reset_in_progress", "a reset of this row is already in progress");
  let kept = false;
  const lock: HeldLock = {
    rowId,
    holder,
    acquiredAt: Date.now(),
    keep: () => {
      kept = true;
    },
  };
  try {
    return await run(lock);
  } finally {
    const unlockStarted = performance.now();
    if (kept) log.warn({ rowId, expires }, "reset lock left to expire");
    else
      await deferFsync(() =>
        db
          .deleteFrom("row_lock")
          .where("row_id", "=", rowId)
          .where("holder", "=", holder)
          .execute(),
      ).catch((err: unknown) =>
        log.error({ err, rowId }, "could not release reset lock; it will expire"),
      );
    addSpan("unlock", performance.now() - unlockStarted);
  }
}
