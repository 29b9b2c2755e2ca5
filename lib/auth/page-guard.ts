import "server-only";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current-user";
import type { CurrentUser } from "@/lib/model/roles";
import { can, type Permission } from "@/lib/model/roles";

/** For pages: the signed-in user with the permission (or any one of several), or a redirect to
 * sign-in / the desk. */
export async function pageUser(
  path: string,
  permission: Permission | readonly Permission[],
): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
  const anyOf: readonly Permission[] = typeof permission === "string" ? [permission] : permission;
  if (!anyOf.some((p) => can(user.role, p))) redirect(user.role === "screen" ? "/screen" : "/");
  return user;
}
