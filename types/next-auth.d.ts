// The fields lib/auth adds to next-auth's user, token and session, declared once so next-auth's
// callbacks and getServerSession() are typed without casts. Types only: the claims come back from
// a cookie, so lib/auth/current-user.ts still validates them with zod before trusting them.
import type { JWT } from "next-auth/jwt";
import type { Role } from "@/lib/model/roles";

declare module "next-auth" {
  interface User {
    /** Set by the credentials provider and the OIDC profile; null = the IdP's claims map to no
     * role, which the signIn callback refuses. */
    role?: Role | null;
  }

  interface Session {
    /** Who signed in, how and when, copied from the token by the session callback. */
    desk?: Pick<JWT, "sid" | "username" | "role" | "provider" | "loginAt">;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    /** The server-side session (auth_session row) this cookie belongs to: sign-out and "sign out
     * everywhere" revoke it (lib/auth/sessions.ts). */
    sid?: string;
    /** Written by the jwt callback at sign-in (lib/auth/options.ts); absent before. */
    username?: string;
    /** Only a hint: the role is re-read from the config on every call. */
    role?: Role;
    provider?: "credentials" | "oidc";
    /** Epoch ms of the sign-in (informational: the absolute lifetime counts from the session
     * row's created_at, which the server wrote). */
    loginAt?: number;
  }
}
