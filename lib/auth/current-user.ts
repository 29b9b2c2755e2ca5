import "server-only";
import { cookies } from "next/headers";
import { decode } from "next-auth/jwt";
import { AppError } from "@/lib/platform/errors";
import { authOptions } from "@/lib/auth/options";
import { env } from "@/lib/platform/env";
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
  const parsed = deskClaims.safeParse(await sessionToken());
  if (!parsed.success) return null;
  const claims: SessionClaims = parsed.data;
  const user = await activeUser(claims);
  return user ? { user, claims } : null;
}

/** next-auth's session cookie, named as next-auth names it: `__Secure-` prefixed when NEXTAUTH_URL
 * is https (lib/auth/options.ts; next-auth's host detection, AUTH_TRUST_HOST, is not used here).
 * next-auth splits a cookie past 4 kB into `.0`, `.1`, …; ours holds five short claims (well
 * under 1 kB), so a split one is no session here. */
async function sessionCookie(): Promise<string | null> {
  const name = env().NEXTAUTH_URL?.startsWith("https://")
    ? "__Secure-next-auth.session-token"
    : "next-auth.session-token";
  return (await cookies()).get(name)?.value ?? null;
}

// The session cookie's claims, decrypted and checked (signature, expiry) as next-auth does it for
// GET /api/auth/session. Not through getServerSession: for every request that runs next-auth's
// whole session route, callbacks and all, and encrypts a refreshed cookie that a route handler
// never sends (about 1 ms of a reset on the 2-core bench machine). The claims are the jwt
// callback's, which the session callback (lib/auth/options.ts) copies unchanged into
// `session.desk`.
async function sessionToken(): Promise<unknown> {
  const token = await sessionCookie();
  if (!token) return null;
  const { secret } = await authOptions();
  try {
    return await decode({ token, secret: secret ?? "" });
  } catch {
    log.warn({ code: "JWT_SESSION_ERROR" }, "a session cookie could not be decoded: signed out");
    return null;
  }
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
