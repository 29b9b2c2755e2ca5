import "server-only";
import { randomUUID } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";
import { sessionLifetimes } from "@/lib/auth/session-policy";
import {
  checkSession,
  credentialFingerprint,
  type SessionClaims,
  type SessionProblem,
  type ValidityContext,
} from "@/lib/auth/session-validity";
import {
  createSession,
  findSession,
  findSessions,
  revokeSession,
  revokeUserSessions,
  touchSession,
} from "@/lib/auth/session-store";
import { getConfig } from "@/lib/config/runtime";
import { getDb } from "@/lib/db/client";
import type { CurrentUser } from "@/lib/model/roles";
import { log } from "@/lib/platform/log";

// Server-side sessions. A session cookie is a signed JWT, valid on its own until it expires; the
// server keeps a row per sign-in so that it can end one early: sign-out revokes the row, an
// admin's "sign out everywhere" revokes all of a user's rows, and a changed password or role or a
// removed user no longer matches the row's fingerprint. Every request and every open stream
// checks (lib/auth/session-validity.ts says how), so an ended session gets 401 on its next request
// in every process on the database, and its streams close within a sweep (session-watch.ts).

async function validityContext(now = Date.now()): Promise<ValidityContext> {
  const config = await getConfig();
  return {
    users: config.users,
    secret: authSecret(config.demo),
    absoluteMs: sessionLifetimes().absoluteMs,
    now,
  };
}

/** Records a new sign-in; its sid goes into the cookie. Throws (no sign-in) when the user has no
 * role or the row cannot be written. */
export async function startSession(claims: Omit<SessionClaims, "sid">): Promise<string> {
  const ctx = await validityContext();
  const sid = randomUUID();
  const fingerprint = credentialFingerprint({ ...claims, sid }, ctx.users, ctx.secret);
  if (!fingerprint) throw new Error("sign-in without a role");
  const keepMs = Math.max(...Object.values(ctx.absoluteMs));
  await createSession(
    await getDb(),
    { sid, username: claims.username, provider: claims.provider, fingerprint },
    ctx.now,
    keepMs,
  );
  return sid;
}

/** The user a session acts as now, or null (with the reason logged) when it may not. */
export async function activeUser(claims: SessionClaims): Promise<CurrentUser | null> {
  const db = await getDb();
  const [row, ctx] = await Promise.all([findSession(db, claims.sid), validityContext()]);
  const verdict = checkSession(claims, row, ctx);
  if (verdict.problem !== null) {
    log.debug({ username: claims.username, problem: verdict.problem }, "session refused");
    return null;
  }
  if (row) {
    touchSession(db, row, ctx.now).catch((err: unknown) =>
      log.warn({ err }, "session last-seen update failed"),
    );
  }
  return { username: claims.username, role: verdict.role };
}

/** Of many sessions (open streams), those that may no longer act: one query for all of them. */
export async function endedSessions(
  sessions: readonly SessionClaims[],
): Promise<Map<string, SessionProblem>> {
  const ended = new Map<string, SessionProblem>();
  if (sessions.length === 0) return ended;
  const [rows, ctx] = await Promise.all([
    getDb().then((db) => findSessions(db, [...new Set(sessions.map((s) => s.sid))])),
    validityContext(),
  ]);
  for (const claims of sessions) {
    const { problem } = checkSession(claims, rows.get(claims.sid), ctx);
    if (problem !== null) ended.set(claims.sid, problem);
  }
  return ended;
}

export async function endSession(sid: string, reason: string): Promise<void> {
  await revokeSession(await getDb(), sid, reason, Date.now());
}

/** Ends every session of a user; how many were live. */
export async function endUserSessions(username: string, reason: string): Promise<number> {
  return revokeUserSessions(await getDb(), username, reason, Date.now());
}
