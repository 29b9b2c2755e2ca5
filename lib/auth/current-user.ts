import "server-only";
import { getServerSession, type Session } from "next-auth";
import { AppError } from "@/lib/platform/errors";
import { authOptions } from "@/lib/auth/options";
import type { Permission } from "@/lib/model/roles";
import { can } from "@/lib/model/roles";
import { activeUser } from "@/lib/auth/sessions";
import type { SessionClaims } from "@/lib/auth/session-validity";
import { ROLES, type CurrentUser } from "@/lib/model/roles";
import { log } from "@/lib/platform/log";
import { z } from "zod";

// The claims are ours (signed and encrypted with NEXTAUTH_SECRET), but are checked like input.
const deskClaims = z.object({
  sid: z.string().min(1).max(64),
  username: z.string().min(1),
  role: z.enum(ROLES).optional(),
  provider: z.enum(["credentials", "oidc"]),
});

/** The signed-in user and the session they act through (open streams keep the latter). */
export interface CurrentSession {
  user: CurrentUser;
  claims: SessionClaims;
}

// Who is asking, from the session cookie — and then from the server's own sources of truth: the
// session's row (sign-out and "sign out everywhere" revoke it) and the user in the reloadable
// config (a removed user, a changed password or role ends the session: lib/auth/sessions.ts).
// SSO users not listed in the config keep the role their identity provider's claims gave them at
// sign-in. A cookie from before server-side sessions (no sid) is no session: sign in again.
export async function getCurrentSession(): Promise<CurrentSession | null> {
  const options = await authOptions();
  let session: Session | null;
  try {
    session = await getServerSession(options);
  } catch (err) {
    // next-auth throws on a malformed next-auth.callback-url cookie: a bad cookie is no session.
    log.warn({ err }, "session unreadable: treated as signed out");
    return null;
  }
  const parsed = deskClaims.safeParse(session?.desk);
  if (!parsed.success) return null;
  const claims: SessionClaims = parsed.data;
  const user = await activeUser(claims);
  return user ? { user, claims } : null;
}

export async function getCurrentUser(): Promise<CurrentUser | null> {
  return (await getCurrentSession())?.user ?? null;
}

/** The signed-in session; 401 when there is none. */
export async function requireSession(): Promise<CurrentSession> {
  const session = await getCurrentSession();
  if (!session) throw new AppError("unauthenticated", "sign in first");
  return session;
}

/** The signed-in user; 401 when there is none. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthenticated", "sign in first");
  return user;
}

export function requirePermission(user: CurrentUser, permission: Permission): void {
  if (!can(user.role, permission))
    throw new AppError("forbidden", `the ${user.role} role may not ${permission}`);
}
