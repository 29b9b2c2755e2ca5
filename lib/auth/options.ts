import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { oidcSettings, roleFromClaims } from "@/lib/auth/oidc";
import { verifyPassword } from "@/lib/auth/passwords";
import { sessionLifetimes } from "@/lib/auth/session-policy";
import { endSession, startSession } from "@/lib/auth/sessions";
import { throttledCheck } from "@/lib/auth/sign-in-throttle";
import { getConfig } from "@/lib/config/runtime";
import { log } from "@/lib/platform/log";
import { authSecret } from "@/lib/auth/secret";

// next-auth configuration: credentials for the users in MMP_CONFIG, optional OIDC. Sessions are
// JWTs in an HttpOnly, SameSite=Lax cookie (Secure and __Secure- prefixed when NEXTAUTH_URL is
// https). The token carries its server-side session's id (sid) and who signed in, how and when;
// the role in it is only a hint — every request checks the session and re-reads the user
// (lib/auth/current-user.ts, lib/auth/sessions.ts). The fields added to next-auth's
// User, JWT and Session are declared in types/next-auth.d.ts.

// Built once per loaded config (every request asks for them; users are read at sign-in time from
// the current config anyway, so a reload only matters for the demo flag and secret).
let cached: { config: object; options: AuthOptions } | null = null;

export async function authOptions(): Promise<AuthOptions> {
  const config = await getConfig();
  if (cached?.config === config) return cached.options;
  const options = buildAuthOptions(config.demo);
  cached = { config, options };
  return options;
}

function buildAuthOptions(demo: boolean): AuthOptions {
  const oidc = oidcSettings();
  const providers: AuthOptions["providers"] = [
    CredentialsProvider({
      name: "password",
      credentials: {
        username: { label: "Username", type: "text" },
        password: { label: "Password", type: "password" },
      },
      authorize(credentials) {
        const username = String(credentials?.username ?? "").slice(0, 64);
        // Throttled per username and client address (lib/auth/sign-in-throttle.ts); an unknown
        // username costs a dummy hash check, so neither the answer nor its timing tells them apart.
        return throttledCheck(username, async () => {
          const user = (await getConfig()).users.find((u) => u.username === username) ?? null;
          const ok = await verifyPassword(
            user?.passwordHash ?? null,
            String(credentials?.password ?? ""),
          );
          return ok && user ? { id: user.username, name: user.username, role: user.role } : null;
        });
      },
    }),
  ];
  if (oidc) {
    providers.push({
      id: "oidc",
      name: oidc.name,
      type: "oauth",
      wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      authorization: { params: { scope: "openid profile email" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile: Record<string, unknown>) {
        const name = String(profile.preferred_username ?? profile.email ?? profile.sub);
        return { id: String(profile.sub), name, role: roleFromClaims(profile, oidc) };
      },
    });
  }
  const lifetimes = sessionLifetimes();
  return {
    secret: authSecret(demo),
    providers,
    pages: { signIn: "/login", error: "/login" },
    // next-auth prints every error with its stack. A cookie that no longer decodes (the session
    // secret was rotated, or a demo restarted with a new one) is expected: the request is simply
    // signed out, so it is one warning line here; anything else stays an error.
    logger: {
      error(code, metadata) {
        if (code === "JWT_SESSION_ERROR")
          log.warn({ code }, "a session cookie could not be decoded (secret rotated?): signed out");
        else log.error({ code, err: metadata }, "next-auth error");
      },
      warn(code) {
        log.warn({ code }, "next-auth warning");
      },
      debug() {},
    },
    session: { strategy: "jwt", maxAge: lifetimes.idleSeconds, updateAge: 60 },
    callbacks: {
      // No role, no sign-in. An SSO identity named like a configured password user is refused too:
      // it would otherwise be taken for that user (lib/auth/session-validity.ts, currentRole).
      async signIn({ user, account }) {
        if (!user.role) return false;
        if (account?.provider !== "oidc") return true;
        const username = user.name ?? user.id;
        if (!(await getConfig()).users.some((u) => u.username === username)) return true;
        log.warn({ username }, "single sign-on refused: the name is a configured password user's");
        return false;
      },
      async jwt({ token, user, account }) {
        if (user) {
          // signIn above refused a user without a role, so role is set here.
          const username = user.name ?? user.id;
          const role = user.role ?? undefined;
          const provider = account?.provider === "oidc" ? "oidc" : "credentials";
          // The server-side record that sign-out and "sign out everywhere" revoke.
          token.sid = await startSession({ username, provider, role });
          token.username = username;
          token.role = role;
          token.provider = provider;
          token.loginAt = Date.now();
        }
        return token;
      },
      session({ session, token }) {
        const { sid, username, role, provider, loginAt } = token;
        return {
          ...session,
          user: { name: username },
          desk: { sid, username, role, provider, loginAt },
        };
      },
    },
    events: {
      // Sign-out ends the session on the server too: a copy of the cookie is worthless after it.
      async signOut({ token }) {
        if (typeof token.sid === "string") await endSession(token.sid, "sign-out");
      },
    },
  };
}
