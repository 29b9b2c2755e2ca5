import "server-only";
import { createHmac } from "node:crypto";
import type { UserConfig } from "@/lib/config/schema";
import type { AuthSessionTable } from "@/lib/db/schema";
import type { Role } from "@/lib/model/roles";

// Whether a stored session may still act, decided from the server's own sources only: its row in
// auth_session and the user as the (reloadable) config file describes them now. One function, so
// a request (lib/auth/current-user.ts) and an open stream's sweep (lib/auth/session-watch.ts)
// can never disagree.

/** What the cookie claims, already validated (lib/auth/current-user.ts). */
export interface SessionClaims {
  sid: string;
  username: string;
  provider: "credentials" | "oidc";
  /** The role the identity provider's claims gave at sign-in (SSO users not in the config). */
  role?: Role;
}

/** Who a user is right now: a password user listed in the config, or an SSO user known only by
 * their claims. An SSO identity never acts as a configured user of the same name: the IdP's
 * preferred_username is no proof of being that user, whose role may be higher than the claims'. */
export function currentRole(claims: SessionClaims, users: readonly UserConfig[]): Role | null {
  const listed = users.find((u) => u.username === claims.username);
  if (claims.provider === "credentials") return listed?.role ?? null;
  return listed ? null : (claims.role ?? null);
}

/**
 * A keyed hash of what the user signed in with: for a configured user, their password hash and
 * role; for an SSO user not in the config, the role their claims gave. A password change, a role
 * change, or a configured user of an SSO user's name appearing all end every earlier session.
 * Keyed with the session secret so the stored value says nothing about the password hash.
 */
export function credentialFingerprint(
  claims: SessionClaims,
  users: readonly UserConfig[],
  secret: string,
): string | null {
  const listed = users.find((u) => u.username === claims.username);
  let parts: string[] | null = null;
  if (claims.provider === "credentials") {
    if (listed) parts = [claims.provider, "config", listed.passwordHash, listed.role];
  } else if (!listed && claims.role) parts = [claims.provider, "idp", claims.role];
  if (!parts) return null;
  return createHmac("sha256", secret).update(JSON.stringify(parts)).digest("hex");
}

export type SessionProblem =
  "unknown session" | "revoked" | "user removed" | "credentials or role changed" | "expired";

export interface ValidityContext {
  users: readonly UserConfig[];
  secret: string;
  absoluteMs: Record<Role, number>;
  now: number;
}

/** Why the session may no longer act, or null with the role it acts with. */
export function checkSession(
  claims: SessionClaims,
  row:
    | Pick<AuthSessionTable, "username" | "provider" | "fingerprint" | "created_at" | "revoked_at">
    | undefined,
  ctx: ValidityContext,
): { problem: SessionProblem; role?: undefined } | { problem: null; role: Role } {
  if (!row || row.username !== claims.username || row.provider !== claims.provider)
    return { problem: "unknown session" };
  if (row.revoked_at !== null) return { problem: "revoked" };
  const role = currentRole(claims, ctx.users);
  if (!role) return { problem: "user removed" };
  if (credentialFingerprint(claims, ctx.users, ctx.secret) !== row.fingerprint)
    return { problem: "credentials or role changed" };
  if (ctx.now - Date.parse(row.created_at) > ctx.absoluteMs[role]) return { problem: "expired" };
  return { problem: null, role };
}
