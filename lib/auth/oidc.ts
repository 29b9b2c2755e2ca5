import "server-only";
import { type Role } from "@/lib/model/roles";
import { env, parseEnv, type RawEnv } from "@/lib/platform/env";

// Single sign-on through any standard OIDC provider, switched on by environment variables:
//   MMP_OIDC_ISSUER, MMP_OIDC_CLIENT_ID, MMP_OIDC_CLIENT_SECRET   (all three turn it on)
//   MMP_OIDC_NAME          button label (default "Single sign-on")
//   MMP_OIDC_ROLE_CLAIM    claim holding the user's groups or role (default "groups")
//   MMP_OIDC_ROLE_MAP      JSON {"<group or claim value>": "viewer|screen|trader|admin", ...}
// A user whose claims map to no role cannot sign in; with several, the most privileged wins.

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
  roleClaim: string;
  roleMap: Record<string, Role>;
}

/** From the app's environment (lib/platform/env.ts validates the role map); a test may pass its
 * own map of variables. */
export function oidcSettings(raw?: RawEnv): OidcSettings | null {
  const e = raw ? parseEnv(raw) : env();
  const {
    MMP_OIDC_ISSUER: issuer,
    MMP_OIDC_CLIENT_ID: clientId,
    MMP_OIDC_CLIENT_SECRET: clientSecret,
  } = e;
  if (!issuer || !clientId || !clientSecret) return null;
  return {
    issuer: issuer.replace(/\/+$/, ""),
    clientId,
    clientSecret,
    name: e.MMP_OIDC_NAME,
    roleClaim: e.MMP_OIDC_ROLE_CLAIM,
    roleMap: e.MMP_OIDC_ROLE_MAP,
  };
}

const RANK: Record<Role, number> = { screen: 0, viewer: 1, trader: 2, admin: 3 };

export function roleFromClaims(
  claims: Record<string, unknown>,
  s: Pick<OidcSettings, "roleClaim" | "roleMap">,
): Role | null {
  const raw = claims[s.roleClaim];
  const values = Array.isArray(raw)
    ? raw.filter((v): v is string => typeof v === "string")
    : typeof raw === "string"
      ? [raw]
      : [];
  const roles = values.map((v) => s.roleMap[v]).filter((r): r is Role => r !== undefined);
  return roles.sort((a, b) => RANK[b] - RANK[a])[0] ?? null;
}

/**
 * What the sign-in page says when next-auth sends someone back with `?error=<code>` (only the
 * OIDC flow does: password sign-in answers in place). AccessDenied is the refusal of a user whose
 * claims map to no role; every other code is a failed exchange with the provider, whose details
 * are in the server's log, not for the browser.
 */
export function signInErrorMessage(code: string | null): string | null {
  if (!code) return null;
  if (code === "AccessDenied")
    return "Your single sign-on account has no role on this desk. Ask an administrator to add you to a group that has one.";
  return "Sign-in did not complete. Try again; if it keeps failing, tell an administrator.";
}
