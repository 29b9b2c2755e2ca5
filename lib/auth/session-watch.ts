import "server-only";
import { endedSessions } from "@/lib/auth/sessions";
import type { SessionClaims } from "@/lib/auth/session-validity";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// Open streams outlive the request that authorised them, so their sessions are re-checked by a
// sweep: every SWEEP_MS, one database query for all sessions with an open stream in this process
// plus the current config (lib/auth/sessions.ts endedSessions). A stream whose session was signed
// out, revoked everywhere, or whose user was removed, demoted or changed password is closed by the
// next sweep, wherever the change was made (another process on the same database included). If
// the check itself keeps failing for MAX_UNCHECKED_MS, streams are closed rather than trusted.

// One query a second for all of this process's open streams: a revoked session's streams end within
// about a second, with room to spare under load for the 5 s the desk promises.
const SWEEP_MS = 1_000;
const MAX_UNCHECKED_MS = 30_000;

interface Watched {
  claims: SessionClaims;
  close: () => void;
}

interface WatchState {
  watched: Map<number, Watched>;
  nextId: number;
  timer: ReturnType<typeof setInterval> | null;
  sweeping: boolean;
  lastChecked: number;
}

const state = singleton<WatchState>("session-watch", () => ({
  watched: new Map(),
  nextId: 0,
  timer: null,
  sweeping: false,
  lastChecked: Date.now(),
}));

function closeAll(ids: Iterable<number>, reason: string): void {
  for (const id of [...ids]) {
    const entry = state.watched.get(id);
    if (!entry) continue;
    state.watched.delete(id);
    log.info({ username: entry.claims.username, reason }, "stream closed: session ended");
    entry.close();
  }
}

/** One sweep (exported for tests); resolves when done. */
export async function sweepSessions(): Promise<void> {
  if (state.sweeping || state.watched.size === 0) return;
  state.sweeping = true;
  try {
    const entries = [...state.watched];
    const ended = await endedSessions(entries.map(([, w]) => w.claims));
    state.lastChecked = Date.now();
    for (const [id, w] of entries) {
      const problem = ended.get(w.claims.sid);
      if (problem) closeAll([id], problem);
    }
  } catch (err) {
    log.warn({ err }, "open streams' sessions could not be checked");
    if (Date.now() - state.lastChecked > MAX_UNCHECKED_MS)
      closeAll(state.watched.keys(), "sessions unverifiable");
  } finally {
    state.sweeping = false;
  }
}

/**
 * Watches a stream's session: `close` is called (once) when the session may no longer act.
 * Returns the function that stops watching (call it when the stream ends for any other reason).
 */
export function watchSession(claims: SessionClaims, close: () => void): () => void {
  const id = (state.nextId += 1);
  state.watched.set(id, { claims, close });
  if (state.timer === null) {
    state.lastChecked = Date.now();
    state.timer = setInterval(() => void sweepSessions(), SWEEP_MS);
    state.timer.unref();
  }
  return () => {
    state.watched.delete(id);
    if (state.watched.size === 0 && state.timer !== null) {
      clearInterval(state.timer);
      state.timer = null;
    }
  };
}
