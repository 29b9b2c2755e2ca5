import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// Which app processes on this database are alive. Each process has an id (one per OS process,
// not per Next bundle), registers it and beats every HEARTBEAT_MS. A reset attempt, a row lock
// and a pending idempotency key each name the process working on them, so that when that process
// is gone (kill -9, OOM, power) its work is settled at once rather than when a timeout runs out —
// and never while it lives.

const HEARTBEAT_MS = 1000;
/** No heartbeat for this long: gone. Generous, because an overloaded process that merely paused
 * must not have its reset in flight settled from under it. */
export const GONE_AFTER_MS = 10_000;
/** Silence enough to believe a pid check that says the process is gone. */
const PID_GONE_SILENT_MS = 3 * HEARTBEAT_MS;
/** Rows of processes gone this long are deleted. */
const FORGET_AFTER_MS = 24 * 60 * 60_000;

const self = singleton("app-process", () => ({
  id: randomUUID(),
  registered: new WeakMap<object, Promise<void>>(),
}));

/** This process's id. */
export const processId = (): string => self.id;

const iso = (ms: number) => new Date(ms).toISOString();

async function beat({ db }: Db, now: number): Promise<void> {
  const seen = iso(now);
  await db
    .insertInto("app_process")
    .values({ id: self.id, host: hostname(), pid: process.pid, started_at: seen, seen_at: seen })
    .onConflict((oc) => oc.column("id").doUpdateSet({ seen_at: seen }))
    .execute();
}

function keepBeating(handle: Db): void {
  const timer = setInterval(() => {
    void (async () => {
      await beat(handle, Date.now());
      await handle.db
        .deleteFrom("app_process")
        .where("seen_at", "<", iso(Date.now() - FORGET_AFTER_MS))
        .execute();
    })().catch((err: unknown) => {
      // A handle closed by its owner (tests open their own) ends its heartbeat.
      if (/destroyed/i.test(String(err))) clearInterval(timer);
      else log.warn({ err }, "process heartbeat failed");
    });
  }, HEARTBEAT_MS);
  timer.unref();
}

/** Registers this process on the database and keeps its heartbeat going (once per database
 * handle). Called before the process names itself anywhere, so that a row naming it is never
 * mistaken for one of a process that is gone. */
export function ensureRegistered(handle: Db): Promise<void> {
  let done = self.registered.get(handle.db);
  if (!done) {
    done = beat(handle, Date.now()).then(
      () => keepBeating(handle),
      (err: unknown) => {
        self.registered.delete(handle.db);
        throw err;
      },
    );
    self.registered.set(handle.db, done);
  }
  return done;
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface Liveness {
  /** True when the process is known to be gone (never for this process). */
  isGone(id: string | null): boolean;
}

/** A snapshot of which processes are gone. A process is gone when it is not registered (processes
 * register before they name themselves anywhere, so take the snapshot after reading the rows that
 * name them), when it ran on this host, its pid no longer runs (or is now ours) and it missed a
 * few beats, or when it has not beaten for GONE_AFTER_MS. */
export async function liveness({ db }: Db, now = Date.now()): Promise<Liveness> {
  const rows = await db.selectFrom("app_process").selectAll().execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const host = hostname();
  return {
    isGone(id) {
      if (id === self.id) return false;
      if (id === null) return false; // written before processes were named: only timeouts apply
      const row = byId.get(id);
      if (!row) return true;
      const silentMs = now - Date.parse(row.seen_at);
      // Its pid on this host no longer runs (or is ours now): gone once it also missed a few
      // beats, which keeps a live process in another pid namespace under the same host name safe.
      const pidGone = row.host === host && (row.pid === process.pid || !pidRunning(row.pid));
      if (pidGone && silentMs > PID_GONE_SILENT_MS) return true;
      return silentMs > GONE_AFTER_MS;
    },
  };
}
