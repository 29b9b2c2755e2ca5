import "server-only";
import { getServerSession } from "next-auth";
import { ApiError } from "@/lib/api/errors";
import { authOptions, type DeskToken } from "@/lib/auth/options";
import type { Permission } from "@/lib/auth/permissions";
import { can } from "@/lib/auth/permissions";
import { sessionLifetimes } from "@/lib/auth/session-policy";
import { getConfig } from "@/lib/config/runtime";
import type { Role } from "@/lib/config/schema";

export interface CurrentUser {
  username: string;
  role: Role;
}

// Who is asking, from the session cookie — and then from the server's own source of truth: the
// role is re-read from the (reloadable) config on every call, so removing a user or lowering a
// role takes effect on the next request even with an old cookie. SSO users not listed in the
// config keep the role their identity provider's claims gave them at sign-in.
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = (await getServerSession(await authOptions())) as {
    desk?: Partial<DeskToken>;
  } | null;
  const desk = session?.desk;
  if (!desk?.username || !desk.loginAt || !desk.provider) return null;
  const listed = (await getConfig()).users.find((u) => u.username === desk.username);
  const role = desk.provider === "credentials" ? listed?.role : (listed?.role ?? desk.role);
  if (!role) return null;
  if (Date.now() - desk.loginAt > sessionLifetimes().absoluteMs[role]) return null;
  return { username: desk.username, role };
}

/** The signed-in user; 401 when there is none. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new ApiError(401, "unauthenticated", "sign in first");
  return user;
}

export function requirePermission(user: CurrentUser, permission: Permission): void {
  if (!can(user.role, permission))
    throw new ApiError(403, "forbidden", `the ${user.role} role may not ${permission}`);
}
