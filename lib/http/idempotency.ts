import "server-only";
import type { Db } from "@/lib/db/client";
import { deferFsync } from "@/lib/db/durability";
import { ensureRegistered, processId } from "@/lib/desk/app-process";
import { toErrorResult } from "@/lib/http/errors";
import { AppError } from "@/lib/platform/errors";
import { addSpan } from "@/lib/platform/server-timing";

// Idempotency of state-changing requests, an HTTP contract: a repeated key replays the first
// answer (status and body, waiting for it if it is still being produced) without running the
// request again. Kept in the database so it holds across every app process on it. A pending key
// names the process producing its answer: if that process dies, the reset reconciler
// (lib/desk/reset-reconcile.ts) stores the answer instead, through answerPending().

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export interface IdempotencyOptions {
  key: string;
  /** Who asked for what: the same key with another fingerprint is refused, never replayed. */
  fingerprint: string;
  /** How long a repeat waits for the first request's answer. */
  maxWaitMs: number;
  /** What the key names, for the refusal message ("reset"). */
  what: string;
}

const KEY_TTL_MS = 24 * 60 * 60_000;
const POLL_MS = 50;

const isConflict = (err: unknown) => /unique|duplicate|primary key|constraint/i.test(String(err));
const iso = (ms: number) => new Date(ms).toISOString();

async function waitForAnswer({ db }: Db, key: string, maxWaitMs: number): Promise<StoredAnswer> {
  const deadline = Date.now() + maxWaitMs;
  while (Date.now() < deadline) {
    const row = await db
      .selectFrom("reset_idempotency")
      .selectAll()
      .where("key", "=", key)
      .executeTakeFirst();
    if ((row?.state === "done" || row?.state === "provisional") && row.status_code !== null) {
      return { status: row.status_code, body: JSON.parse(row.body ?? "null") as unknown };
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new AppError(
    "reset_in_progress",
    "the first request with this idempotency key is still running",
  );
}

/** Runs `run` once per key and stores its answer; an error is an answer too, so a replay repeats
 * a refusal exactly. */
export async function runOnce(
  handle: Db,
  { key, fingerprint, maxWaitMs, what }: IdempotencyOptions,
  run: () => Promise<StoredAnswer>,
  now: () => number = Date.now,
): Promise<StoredAnswer & { replayed: boolean }> {
  const { db } = handle;
  const keyStarted = performance.now();
  await ensureRegistered(handle);
  // Without an fsync of their own: the `requested` row's commit puts them on disk before the venue
  // is called, and the reconciler answers a key whose answer a power cut lost
  // (lib/db/durability.ts).
  try {
    await deferFsync(async () => {
      await db
        .deleteFrom("reset_idempotency")
        .where("created_at", "<", iso(now() - KEY_TTL_MS))
        .execute();
      await db
        .insertInto("reset_idempotency")
        .values({
          key,
          fingerprint,
          state: "pending",
          status_code: null,
          body: null,
          created_at: iso(now()),
          process_id: processId(),
        })
        .execute();
    });
  } catch (err) {
    if (!isConflict(err)) throw err;
    const first = await db
      .selectFrom("reset_idempotency")
      .select("fingerprint")
      .where("key", "=", key)
      .executeTakeFirst();
    if (first && first.fingerprint !== fingerprint) {
      throw new AppError(
        "idempotency_key_reused",
        `this idempotency key was used for another ${what}`,
      );
    }
    return { ...(await waitForAnswer(handle, key, maxWaitMs)), replayed: true };
  }
  addSpan("key", performance.now() - keyStarted);
  // Whatever happens, the key ends "done" with an answer, so a replay never waits forever.
  const answer = await run().catch((err: unknown): StoredAnswer => {
    const { status, body } = toErrorResult(err);
    return { status, body };
  });
  const answerStarted = performance.now();
  await deferFsync(() =>
    db
      .updateTable("reset_idempotency")
      .set({ state: "done", status_code: answer.status, body: JSON.stringify(answer.body) })
      .where("key", "=", key)
      .execute(),
  );
  addSpan("answer", performance.now() - answerStarted);
  return { ...answer, replayed: false };
}

export interface PendingKey {
  key: string;
  /** The process producing the answer (null: a key from before processes were named). */
  processId: string | null;
  createdAt: string;
}

/** Keys still waiting for their first answer. */
export async function pendingKeys({ db }: Db): Promise<PendingKey[]> {
  const rows = await db
    .selectFrom("reset_idempotency")
    .select(["key", "process_id", "created_at"])
    .where("state", "=", "pending")
    .execute();
  return rows.map((r) => ({ key: r.key, processId: r.process_id, createdAt: r.created_at }));
}

/** Stores the answer of a key whose first request can no longer give it (its process is gone):
 * a result with its status, or an error (status and body from lib/http/errors.ts). A key that
 * has a final answer already keeps it. A provisional answer ("re-checking") is replayed like a
 * final one, but the answer that settles it later replaces it: a retry then learns the outcome
 * instead of the first guess. True when this call stored it. */
export async function answerPending(
  { db }: Db,
  key: string,
  answer: { status: number; body: unknown } | { error: unknown },
  provisional = false,
): Promise<boolean> {
  const { status, body } = "error" in answer ? toErrorResult(answer.error) : answer;
  const done = await db
    .updateTable("reset_idempotency")
    .set({
      state: provisional ? "provisional" : "done",
      status_code: status,
      body: JSON.stringify(body),
    })
    .where("key", "=", key)
    .where("state", "in", ["pending", "provisional"])
    .executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

/** The pending keys of one kind of request, answered the way its route answers: a result with
 * the route's status for it, an error with its status from lib/http/errors.ts. */
export function pendingAnswersOf<R>(handle: Db, status: (result: R) => number) {
  return {
    pending: () => pendingKeys(handle),
    answer: (key: string, outcome: R | Error, provisional?: boolean) =>
      answerPending(
        handle,
        key,
        outcome instanceof Error ? { error: outcome } : { status: status(outcome), body: outcome },
        provisional,
      ),
  };
}
