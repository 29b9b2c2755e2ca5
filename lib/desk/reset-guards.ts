import "server-only";
import { randomUUID } from "node:crypto";
import { toErrorResult } from "@/lib/http/errors";
import { AppError } from "@/lib/platform/errors";
import { getDb } from "@/lib/db/client";
import { log } from "@/lib/platform/log";

// Idempotency and per-row mutual exclusion for resets, kept in the database so they hold across
// every app process on it. A repeated idempotency key replays the first answer (waiting for it if
// it is still being produced) without a second venue call; a second reset of a row while one is
// in flight is refused with "already in progress".

export interface StoredAnswer {
  status: number;
  body: unknown;
}

const KEY_TTL_MS = 24 * 60 * 60_000;
const POLL_MS = 50;
const processId = randomUUID();

const isConflict = (err: unknown) => /unique|duplicate|primary key|constraint/i.test(String(err));
const iso = (ms: number) => new Date(ms).toISOString();

async function waitForAnswer(key: string, maxWaitMs: number): Promise<StoredAnswer> {
  const { db } = await getDb();
  const deadline = Date.now() + maxWaitMs;
  while (Date.now() < deadline) {
    const row = await db
      .selectFrom("reset_idempotency")
      .selectAll()
      .where("key", "=", key)
      .executeTakeFirst();
    if (row?.state === "done" && row.status_code !== null) {
      return { status: row.status_code, body: JSON.parse(row.body ?? "null") as unknown };
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new AppError(
    409,
    "reset_in_progress",
    "the first request with this idempotency key is still running",
  );
}

export async function runOnce(
  key: string,
  fingerprint: string,
  maxWaitMs: number,
  run: () => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed: boolean }> {
  const { db } = await getDb();
  await db
    .deleteFrom("reset_idempotency")
    .where("created_at", "<", iso(Date.now() - KEY_TTL_MS))
    .execute();
  try {
    await db
      .insertInto("reset_idempotency")
      .values({
        key,
        fingerprint,
        state: "pending",
        status_code: null,
        body: null,
        created_at: iso(Date.now()),
      })
      .execute();
  } catch (err) {
    if (!isConflict(err)) throw err;
    const first = await db
      .selectFrom("reset_idempotency")
      .select("fingerprint")
      .where("key", "=", key)
      .executeTakeFirst();
    if (first && first.fingerprint !== fingerprint) {
      throw new AppError(
        422,
        "idempotency_key_reused",
        "this idempotency key was used for another reset",
      );
    }
    return { ...(await waitForAnswer(key, maxWaitMs)), replayed: true };
  }
  // Whatever happens, the key ends "done" with an answer, so a replay never waits forever.
  const answer = await run().catch((err: unknown): StoredAnswer => {
    const { status, body } = toErrorResult(err);
    return { status, body };
  });
  await db
    .updateTable("reset_idempotency")
    .set({ state: "done", status_code: answer.status, body: JSON.stringify(answer.body) })
    .where("key", "=", key)
    .execute();
  return { ...answer, replayed: false };
}

export async function withRowLock<T>(
  rowId: string,
  ttlMs: number,
  run: () => Promise<T>,
): Promise<T> {
  const { db } = await getDb();
  const holder = `${processId}:${randomUUID()}`;
  const expires = iso(Date.now() + ttlMs);
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
      .where("expires_at", "<", iso(Date.now()))
      .executeTakeFirst();
    acquired = Number(taken.numUpdatedRows) === 1;
  }
  if (!acquired)
    throw new AppError(409, "reset_in_progress", "a reset of this row is already in progress");
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
