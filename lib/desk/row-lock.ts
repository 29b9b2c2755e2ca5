import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";

// Per-row mutual exclusion for resets, kept in the database so it holds across every app process
// on it: a second reset of a row while one is in flight is refused with "already in progress"
// (two resets of one frozen row would be one too many: the second could clear a fresh trigger).

const processId = randomUUID();

const isConflict = (err: unknown) => /unique|duplicate|primary key|constraint/i.test(String(err));
const iso = (ms: number) => new Date(ms).toISOString();

export async function withRowLock<T>(
  { db }: Db,
  rowId: string,
  ttlMs: number,
  run: () => Promise<T>,
  now: () => number = Date.now,
): Promise<T> {
  const holder = `${processId}:${randomUUID()}`;
  const expires = iso(now() + ttlMs);
  let acquired = false;
  try {
    await db
      .insertInto("row_lock")
      .values({ row_id: rowId, holder, expires_at: expires })
      .execute();
    acquired = true;
  } catch (err) {
    if (!isConflict(err)) throw err;
    // A lock left by a crashed process expires; take it over only then.
    const taken = await db
      .updateTable("row_lock")
      .set({ holder, expires_at: expires })
      .where("row_id", "=", rowId)
      .where("expires_at", "<", iso(now()))
      .executeTakeFirst();
    acquired = Number(taken.numUpdatedRows) === 1;
  }
  if (!acquired)
    throw new AppError("reset_in_progress", "a reset of this row is already in progress");
  try {
    return await run();
  } finally {
    await db
      .deleteFrom("row_lock")
      .where("row_id", "=", rowId)
      .where("holder", "=", holder)
      .execute()
      .catch((err: unknown) =>
        log.error({ err, rowId }, "could not release reset lock; it will expire"),
      );
  }
}
