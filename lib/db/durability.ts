import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { singleton } from "@/lib/platform/singleton";

// Which commits wait for the disk. SQLite in WAL mode with `synchronous = FULL` (lib/db/client.ts)
// fsyncs the log at every commit, and a reset made eleven (idempotency key, row lock, open
// attempt, `requested`, its anchor, the row's reset time, `ok`, its anchor, closing the attempt,
// unlock, the key's answer). Only the audit rows need theirs: deferring the rest took the key,
// lock and answer spans from 1.39/0.73/0.60 ms to 0.48/0.16/0.34 ms p50 on the 2-core bench
// machine (an fsync costs ~0.5 ms there; on slower disks it is more, and saved more).
//
// A commit made with `synchronous = NORMAL` survives a crash of the process at once (it is in the
// log, which the OS holds), and a power cut from the next commit that does wait for the disk on:
// that fsync covers everything in the log before it, and SQLite keeps a log whose tail was lost
// consistent (it drops whole transactions at the end). So the disk sees a prefix of the commits,
// as after a crash of the process at some earlier moment — which the reset reconciler settles
// (lib/desk/reset-reconcile.ts). Hence the rule:
// - every audit append waits for the disk (lib/audit/append.ts), and so does every write that is
//   not inside deferFsync();
// - deferFsync() is for bookkeeping whose loss the reconciler repairs from the audit trail: the
//   reset's idempotency key, row lock and ledger rows. Written before `requested` they are on disk
//   when the venue is called (that append's fsync covers them); written before `ok` (the row's
//   reset time) they are on disk when the answer goes back; written after it (closing the attempt,
//   the unlock, the key's answer) a power cut may lose them, and the reconciler then closes the
//   attempt, releases the lock and answers the key as it does after a crash.
// PostgreSQL commits wait for its log flush either way (synchronous_commit stays on).

// One per process: the bundler may give the route that defers and the database handle that
// reads it their own copies of this module.
const deferred = singleton("fsync-deferred", () => new AsyncLocalStorage<boolean>());

/** Runs `write` with its SQLite commits not waiting for the disk (see above for when). */
export function deferFsync<T>(write: () => Promise<T>): Promise<T> {
  return deferred.run(true, write);
}

/** Runs `write` with its commits waiting for the disk, even when called inside deferFsync(). */
export function awaitFsync<T>(write: () => Promise<T>): Promise<T> {
  return deferred.run(false, write);
}

/** Whether a statement run now is inside deferFsync(). */
export const fsyncDeferred = (): boolean => deferred.getStore() === true;
