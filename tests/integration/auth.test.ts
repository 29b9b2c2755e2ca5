import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { simControl } from "../support/sim-client";
import { signIn } from "../support/session";
import { waitFor } from "../support/wait";

// Sign-in, roles and request-forgery defence, against the production server.

let app: AppUnderTest;
let ctl: ReturnType<typeof simControl>;
const cookies: Record<string, string> = {};
let n = 0;
const key = () => `auth-key-${Date.now()}-${(n += 1)}`;

const reset = (
  cookie: string,
  headers: Record<string, string> = {},
  body: unknown = { accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() },
) =>
  fetch(`${app.url}/api/mmp/reset`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url, cookie, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

interface AuditRow {
  actor: string;
  role: string;
  outcome: string;
  detail: string | null;
}
const auditRows = async (): Promise<AuditRow[]> =>
  (
    (await (
      await fetch(`${app.url}/api/audit?limit=10000`, { headers: { cookie: cookies.admin1! } })
    ).json()) as { rows: AuditRow[] }
  ).rows;
const venueResets = async () => (await ctl.log({ path: "/eapi/v1/mmpReset" })).length;

beforeAll(async () => {
  app = await startAppUnderTest();
  ctl = simControl(app.sim.url);
  for (const u of ["viewer1", "screen1", "trader1", "trader2", "admin1"])
    cookies[u] = await signIn(app.url, u);
});
afterAll(() => app?.stop());
beforeEach(async () => {
  await ctl.restore();
  await waitFor(async () => {
    const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie: cookies.admin1! } });
    const body = (await res.json()) as { rows: { id: string; status: string }[] };
    return body.rows.find((r) => r.id === "bn-main/BTCUSDT")?.status === "frozen";
  });
  await ctl.clearLog();
});

function apiRoutes(dir = "app/api"): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name.startsWith("[") ? [] : apiRoutes(path);
    return name === "route.ts" ? [dir] : [];
  });
}

describe("authentication", () => {
  it("every API route answers 401 without a session (next-auth's own endpoints excepted)", async () => {
    const routes = apiRoutes().filter((d) => !d.startsWith("app/api/auth"));
    expect(routes.length).toBeGreaterThanOrEqual(3);
    for (const dir of routes) {
      const source = readFileSync(join(dir, "route.ts"), "utf8");
      const methods = [...source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map(
        (m) => m[1]!,
      );
      expect(methods.length).toBeGreaterThan(0);
      for (const method of methods) {
        const res = await fetch(`${app.url}${dir.slice(3)}`, {
          method,
          headers: { "content-type": "application/json", origin: app.url },
          body: method === "GET" ? undefined : "{}",
        });
        expect(`${method} ${dir} → ${res.status}`).toBe(`${method} ${dir} → 401`);
      }
    }
    expect(await venueResets()).toBe(0);
  });

  it("a wrong password does not sign in", async () => {
    await expect(signIn(app.url, "trader1", "wrong-password")).rejects.toThrow(
      /sign-in as trader1 failed/,
    );
  });

  it("pages redirect to sign-in without a session", async () => {
    for (const path of ["/", "/audit"]) {
      const res = await fetch(`${app.url}${path}`, { redirect: "manual" });
      expect(res.status).toBeGreaterThanOrEqual(300);
      expect(res.status).toBeLessThan(400);
      expect(res.headers.get("location")).toContain("/login");
    }
  });

  it("the session cookie is HttpOnly and SameSite", async () => {
    const csrf = await fetch(`${app.url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const res = await fetch(`${app.url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: csrf.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; "),
      },
      body: new URLSearchParams({
        csrfToken,
        username: "viewer1",
        password: "pw-viewer1",
        json: "true",
      }),
    });
    const session = res.headers.getSetCookie().find((c) => c.includes("session-token"));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
  });
});

describe("roles", () => {
  it.each(["viewer1", "screen1"])(
    "%s may not reset: 403, a `denied` row, nothing sent",
    async (user) => {
      const res = await reset(cookies[user]!);
      expect(res.status).toBe(403);
      const rows = await auditRows();
      expect(rows[0]).toMatchObject({ actor: user, outcome: "denied" });
      expect(rows[0]?.detail).toMatch(/forbidden/);
      expect(await venueResets()).toBe(0);
    },
  );

  it("a trader may reset", async () => {
    expect((await reset(cookies.trader1!)).status).toBe(200);
    expect(await venueResets()).toBe(1);
  });

  it("the screen role cannot read the audit trail; a viewer can", async () => {
    expect(
      (await fetch(`${app.url}/api/audit`, { headers: { cookie: cookies.screen1! } })).status,
    ).toBe(403);
    expect(
      (await fetch(`${app.url}/api/audit`, { headers: { cookie: cookies.viewer1! } })).status,
    ).toBe(200);
  });

  // Issue 12: a role change ends the session (401 on the next request; the user signs in again
  // with the new role), where it used to carry on with the lower role (403 here).
  it("demoting a trader in the config makes the next reset with the same cookie 401", async () => {
    app.editConfig((c) => ({
      ...c,
      users: c.users.map((u) => (u.username === "trader2" ? { ...u, role: "viewer" } : u)),
    }));
    const res = await reset(cookies.trader2!);
    expect(res.status).toBe(401);
    expect(await venueResets()).toBe(0);
    app.editConfig((c) => ({ ...c, users: c.users.filter((u) => u.username !== "trader2") }));
    expect((await reset(cookies.trader2!)).status).toBe(401);
  });
});

describe("request forgery", () => {
  const cases: [string, Record<string, string>, string | undefined][] = [
    [
      "cross-origin form POST",
      { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      "accountId=bn-main&scope=BTCUSDT",
    ],
    ["cross-origin JSON", { origin: "https://evil.example" }, undefined],
    ["Origin: null", { origin: "null" }, undefined],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }, undefined],
    ["text/plain body", { "content-type": "text/plain" }, undefined],
  ];
  it.each(cases)(
    "%s is refused with zero venue calls and a `denied` row",
    async (_name, headers, raw) => {
      const res = await reset(cookies.trader1!, headers, raw);
      expect([403, 415]).toContain(res.status);
      expect(await venueResets()).toBe(0);
      expect((await auditRows())[0]).toMatchObject({ actor: "trader1", outcome: "denied" });
    },
  );

  it("a missing Origin is refused", async () => {
    const res = await fetch(`${app.url}/api/mmp/reset`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: cookies.trader1! },
      body: JSON.stringify({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() }),
    });
    expect(res.status).toBe(403);
    expect(await venueResets()).toBe(0);
  });
});

describe("mutual exclusion across users", () => {
  it("two users resetting one row at the same moment: one venue call, one 'in progress'", async () => {
    await ctl.fault({ path: "/eapi/v1/mmpReset", kind: "latency", ms: 300 });
    const [a, b] = await Promise.all([reset(cookies.trader1!), reset(cookies.admin1!)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const busy = [a, b].find((r) => r.status === 409)!;
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe(
      "reset_in_progress",
    );
    expect(await venueResets()).toBe(1);
  });
});
