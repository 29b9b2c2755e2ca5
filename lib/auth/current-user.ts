import "server-only";
import { getServerSession, type Session } from "next-auth";
import { AppError } from "@/lib/platform/errors";
import { authOptions } from "@/lib/auth/options";
import type { Permission } from "@/lib/model/roles";
import { can } from "@/lib/model/roles";
import { sessionLifetimes } from "@/lib/auth/session-policy";
import { getConfig } from "@/lib/config/runtime";
import { ROLES, type CurrentUser } from "@/lib/model/roles";
import { log } from "@/lib/platform/log";
import { z } from "zod";

// The claims are ours (signed and encrypted with NEXTAUTH_SECRET), but are checked like input.
const deskClaims = z.object({
  username: z.string().min(1),
  role: z.enum(ROLES).optional(),
  provider: z.enum(["credentials", "oidc"]),
  loginAt: z.number().finite(),
});

// Who is asking, from the session cookie — and then from the server's own source of truth: the
// role is re-read from the (reloadable) config on every call, so removing a user or lowering a
// role takes effect on the next request even with an old cookie. SSO users not listed in the
// config keep the role their identity provider's claims gave them at sign-in.
export async function getCurrentUser(): Promise<CurrentUser | null> {
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
  const desk = parsed.data;
  const listed = (await getConfig()).users.find((u) => u.username === desk.username);
  const role = desk.provider === "credentials" ? listed?.role : (listed?.role ?? desk.role);
  if (!role) return null;
  if (Date.now() - desk.loginAt > sessionLifetimes().absoluteMs[role]) return null;
  return { username: desk.username, role };
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
