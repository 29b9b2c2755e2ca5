import { describe, expect, it } from "vitest";
import { oidcSettings, roleFromClaims } from "@/lib/auth/oidc";
import { can, PERMISSIONS } from "@/lib/model/roles";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { sessionLifetimes } from "@/lib/auth/session-policy";

describe("safeCallbackPath (open-redirect guard)", () => {
  it.each([
    ["/audit?outcome=ok", "/audit?outcome=ok"],
    ["/", "/"],
    ["//evil.example/x", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["", "/"],
    [null, "/"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ])("%s → %s", (raw, expected) => {
    expect(safeCallbackPath(raw)).toBe(expected);
  });
});

describe("permissions table", () => {
  it("matches the product card", () => {
    expect(PERMISSIONS["mmp.reset"]).toEqual(["trader", "admin"]);
    expect(can("screen", "mmp.view")).toBe(true);
    expect(can("screen", "audit.read")).toBe(false);
    expect(can("viewer", "mmp.reset")).toBe(false);
    expect(can("viewer", "audit.read")).toBe(true);
    expect(can("admin", "mmp.configure")).toBe(true);
    expect(can("trader", "mmp.configure")).toBe(false);
  });
});

describe("OIDC", () => {
  const env = {
    MMP_OIDC_ISSUER: "https://idp.example/",
    MMP_OIDC_CLIENT_ID: "desk",
    MMP_OIDC_CLIENT_SECRET: "s",
    MMP_OIDC_ROLE_MAP: JSON.stringify({
      "risk-admins": "admin",
      "risk-traders": "trader",
      wall: "screen",
    }),
  };

  it("is off unless issuer, client id and secret are all set", () => {
    expect(oidcSettings({})).toBeNull();
    expect(oidcSettings({ ...env, MMP_OIDC_CLIENT_SECRET: undefined })).toBeNull();
    expect(oidcSettings(env)).toMatchObject({ issuer: "https://idp.example", roleClaim: "groups" });
  });

  it("maps group claims to the most privileged role, and none to no sign-in", () => {
    const s = oidcSettings(env)!;
    expect(roleFromClaims({ groups: ["wall", "risk-traders"] }, s)).toBe("trader");
    expect(roleFromClaims({ groups: "risk-admins" }, s)).toBe("admin");
    expect(roleFromClaims({ groups: ["everyone"] }, s)).toBeNull();
    expect(roleFromClaims({}, s)).toBeNull();
  });

  it("refuses a role map that names an unknown role", () => {
    expect(() => oidcSettings({ ...env, MMP_OIDC_ROLE_MAP: '{"x":"root"}' })).toThrow();
  });
});

describe("session lifetimes", () => {
  it("gives the wall screen a long absolute lifetime and people a working day", () => {
    const l = sessionLifetimes({});
    expect(l.absoluteMs.trader).toBe(12 * 3_600_000);
    expect(l.absoluteMs.screen).toBe(30 * 24 * 3_600_000);
    expect(l.idleSeconds).toBe(8 * 3600);
  });
});
