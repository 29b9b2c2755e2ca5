import { describe, expect, it } from "vitest";
import {
  checkSession,
  credentialFingerprint,
  type SessionClaims,
  type ValidityContext,
} from "@/lib/auth/session-validity";
import type { UserConfig } from "@/lib/config/schema";

// When a stored session may still act: the one rule shared by requests and open streams.

const users: UserConfig[] = [
  { username: "alice", passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$aaaa$bbbb", role: "trader" },
];
const HOUR = 3_600_000;
const ctx = (over: Partial<ValidityContext> = {}): ValidityContext => ({
  users,
  secret: "s3cret",
  absoluteMs: { viewer: 12 * HOUR, trader: 12 * HOUR, admin: 12 * HOUR, screen: 720 * HOUR },
  now: Date.parse("2026-01-01T12:00:00Z"),
  ...over,
});
const alice: SessionClaims = { sid: "sid-1", username: "alice", provider: "credentials" };
const rowFor = (claims: SessionClaims, c = ctx()) => ({
  username: claims.username,
  provider: claims.provider,
  fingerprint: credentialFingerprint(claims, c.users, c.secret)!,
  created_at: "2026-01-01T11:00:00.000Z",
  revoked_at: null as string | null,
});

describe("checkSession", () => {
  it("a live session acts with the role the config gives now", () => {
    expect(checkSession(alice, rowFor(alice), ctx())).toEqual({ problem: null, role: "trader" });
  });

  it("no row, a row of another user, a revoked row", () => {
    expect(checkSession(alice, undefined, ctx()).problem).toBe("unknown session");
    expect(checkSession(alice, { ...rowFor(alice), username: "bob" }, ctx()).problem).toBe(
      "unknown session",
    );
    expect(
      checkSession(alice, { ...rowFor(alice), revoked_at: "2026-01-01T11:30:00.000Z" }, ctx())
        .problem,
    ).toBe("revoked");
  });

  it("a removed user, a changed password, a changed role (up or down)", () => {
    const row = rowFor(alice);
    expect(checkSession(alice, row, ctx({ users: [] })).problem).toBe("user removed");
    const changed = (u: Partial<UserConfig>) => ctx({ users: [{ ...users[0]!, ...u }] });
    expect(checkSession(alice, row, changed({ passwordHash: "$argon2id$other" })).problem).toBe(
      "credentials or role changed",
    );
    expect(checkSession(alice, row, changed({ role: "viewer" })).problem).toBe(
      "credentials or role changed",
    );
    expect(checkSession(alice, row, changed({ role: "admin" })).problem).toBe(
      "credentials or role changed",
    );
  });

  it("past the absolute lifetime of the role", () => {
    expect(
      checkSession(alice, rowFor(alice), ctx({ now: Date.parse("2026-01-02T00:00:01Z") })).problem,
    ).toBe("expired");
  });

  it("an SSO user outside the config keeps the IdP's role, but a forged higher role does not match", () => {
    const sso: SessionClaims = {
      sid: "sid-2",
      username: "carol",
      provider: "oidc",
      role: "viewer",
    };
    const row = rowFor(sso);
    expect(checkSession(sso, row, ctx())).toEqual({ problem: null, role: "viewer" });
    expect(checkSession({ ...sso, role: "admin" }, row, ctx()).problem).toBe(
      "credentials or role changed",
    );
  });

  it("an SSO identity named like a configured password user never acts as that user", () => {
    const sso: SessionClaims = {
      sid: "sid-3",
      username: "alice",
      provider: "oidc",
      role: "viewer",
    };
    // No session can start for it (the sign-in is refused: lib/auth/options.ts) …
    expect(credentialFingerprint(sso, users, "s3cret")).toBeNull();
    // … and one from before a password user of that name was configured ends, not promoted.
    const before = ctx({ users: [] });
    const row = rowFor(sso, before);
    expect(checkSession(sso, row, before)).toEqual({ problem: null, role: "viewer" });
    expect(checkSession(sso, row, ctx()).problem).toBe("user removed");
  });

  it("the fingerprint is keyed: another secret, another value", () => {
    expect(credentialFingerprint(alice, users, "a")).not.toBe(
      credentialFingerprint(alice, users, "b"),
    );
    expect(credentialFingerprint(alice, users, "a")).not.toContain("argon2");
  });
});
