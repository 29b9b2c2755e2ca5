import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { Permission } from "@/lib/auth/permissions";
import { can } from "@/lib/auth/permissions";
import type { Role } from "@/lib/config/schema";

export interface CurrentUser {
  username: string;
  role: Role;
}

// The seam for sign-in. Until next-auth sign-in lands, every request acts as one local operator
// with the admin role; handlers already ask for a user and a permission.
const LOCAL_OPERATOR: CurrentUser = { username: "local-operator", role: "admin" };

export async function getCurrentUser(): Promise<CurrentUser | null> {
  return LOCAL_OPERATOR;
}

/** The signed-in user, re-read from the server's source of truth; 401 when there is none. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new ApiError(401, "unauthenticated", "sign in first");
  return user;
}

export function requirePermission(user: CurrentUser, permission: Permission): void {
  if (!can(user.role, permission)) throw new ApiError(403, "forbidden", `the ${user.role} role may not ${permission}`);
}
