import "server-only";
import type { Db } from "@/lib/db/client";
import type { AuthSessionTable } from "@/lib/db/schema";

// The auth_session table (migration 0006): one row per sign-in, named by the `sid` claim of the
// session cookie. Revoking sets revoked_at; rows are deleted only once past every lifetime.

export type SessionRow = AuthSessionTable;

const iso = (ms: number) => new Date(ms).toISOString();
// One statement per this many sids (SQLite caps bound parameters per statement).
const CHUNK = 500;
// last_seen_at is for operators; written at most this often per session, not on every request.
const TOUCH_EVERY_MS = 60_000;

export async function createSession(
  { db }: Db,
  row: Pick<SessionRow, "sid" | "username" | "provider" | "fingerprint">,
  now: number,
  keepMs: number,
): Promise<void> {
  await db
    .insertInto("auth_session")
    .values({
      ...row,
      created_at: iso(now),
      last_seen_at: iso(now),
      revoked_at: null,
      revoked_reason: null,
    })
    .execute();
  // Sign-ins are rare: a good moment to drop rows that no lifetime can make valid again.
  await db
    .deleteFrom("auth_session")
    .where("created_at", "<", iso(now - keepMs))
    .execute();
}

export async function findSession({ db }: Db, sid: string): Promise<SessionRow | undefined> {
  return db.selectFrom("auth_session").selectAll().where("sid", "=", sid).executeTakeFirst();
}

/** The rows of many sessions in as few statements as possible (the open streams' sweep). */
export async function findSessions(
  { db }: Db,
  sids: readonly string[],
): Promise<Map<string, SessionRow>> {
  const found = new Map<string, SessionRow>();
  for (let i = 0; i < sids.length; i += CHUNK) {
    const rows = await db
      .selectFrom("auth_session")
      .selectAll()
      .where("sid", "in", sids.slice(i, i + CHUNK))
      .execute();
    for (const row of rows) found.set(row.sid, row);
  }
  return found;
}

/** Records that the session was used (at most once a minute per session). */
export async function touchSession({ db }: Db, row: SessionRow, now: number): Promise<void> {
  if (now - Date.parse(row.last_seen_at) < TOUCH_EVERY_MS) return;
  await db
    .updateTable("auth_session")
    .set({ last_seen_at: iso(now) })
    .where("sid", "=", row.sid)
    .execute();
}

export async function revokeSession(
  { db }: Db,
  sid: string,
  reason: string,
  now: number,
): Promise<void> {
  await db
    .updateTable("auth_session")
    .set({ revoked_at: iso(now), revoked_reason: reason })
    .where("sid", "=", sid)
    .where("revoked_at", "is", null)
    .execute();
}

/** Revokes every live session of a user; how many there were. */
export async function revokeUserSessions(
  { db }: Db,
  username: string,
  reason: string,
  now: number,
): Promise<number> {
  const result = await db
    .updateTable("auth_session")
    .set({ revoked_at: iso(now), revoked_reason: reason })
    .where("username", "=", username)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
