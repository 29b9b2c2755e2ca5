import { hash } from "@node-rs/argon2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { passwordOf } from "../support/fixtures";
import { signIn, signOut, tryPassword } from "../support/session";
import { openStream, type SseClient } from "../support/sse-client";
import { waitFor } from "../support/wait";

// Revocable sessions and sign-in throttling (issue 12, points 3, 4 and the stream half of 6),
// against the production server: a copied cookie stops working on its next request after
// sign-out, a password change, removal, demotion or an admin's "sign out everywhere", and the
// user's open streams close within 5 s; repeated wrong passwords are slowed down with 429.

let app: AppUnderTest;
let admin = "";

const status = async (cookie: string, path = "/api/mmp") =>
  (await fetch(`${app.url}${path}`, { headers: { cookie } })).status;

/** A stream that has delivered its snapshot. */
async function liveStream(cookie: string): Promise<SseClient> {
  const stream = await openStream(`${app.url}/api/stream`, cookie);
  expect(stream.status).toBe(200);
  await stream.waitForEvent((e) => e.event === "snapshot");
  return stream;
}

/** Waits for the server to end the stream; how long it took from `since`. */
async function endsWithin5s(stream: SseClient, since: number): Promise<number> {
  await waitFor(() => stream.ended, 5_000, 20);
  return Date.now() - since;
}

interface AuditRow {
  actor: string;
  action: string;
  outcome: string;
  detail: string | null;
}
const auditRows = async (): Promise<AuditRow[]> =>
  (
    (await (
      await fetch(`${app.url}/api/audit?limit=200`, { headers: { cookie: admin } })
    ).json()) as { rows: AuditRow[] }
  ).rows;

const revoke = (cookie: string, body: unknown, origin = app.url) =>
  fetch(`${app.url}/api/sessions/revoke`, {
    method: "POST",
    headers: { "content-type": "application/json", origin, cookie },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  app = await startAppUnderTest();
  admin = await signIn(app.url, "admin1");
});
afterAll(() => app?.stop());

describe("a copied cookie stops working, and its streams close", () => {
  it("after sign-out (only that session ends)", async () => {
    const cookie = await signIn(app.url, "viewer1");
    const other = await signIn(app.url, "viewer1");
    const stream = await liveStream(cookie);
    const copy = cookie;
    const session = async () =>
      (await fetch(`${app.url}/api/auth/session`, { headers: { cookie: copy } })).json();
    expect(await status(copy)).toBe(200);
    expect(await session()).toMatchObject({ user: { name: "viewer1" } });
    const at = Date.now();
    await signOut(app.url, cookie);
    expect(await status(copy)).toBe(401);
    expect(await status(copy, "/api/stream")).toBe(401);
    expect(await session()).toEqual({});
    expect(await endsWithin5s(stream, at)).toBeLessThan(5_000);
    expect(await status(other)).toBe(200);
  });

  it("after a password change in the config", async () => {
    const cookie = await signIn(app.url, "trader1");
    const stream = await liveStream(cookie);
    const newHash = await hash("a-new-password-for-trader1");
    const at = Date.now();
    app.editConfig((c) => ({
      ...c,
      users: c.users.map((u) => (u.username === "trader1" ? { ...u, passwordHash: newHash } : u)),
    }));
    expect(await status(cookie)).toBe(401);
    expect(await endsWithin5s(stream, at)).toBeLessThan(5_000);
    await expect(signIn(app.url, "trader1")).rejects.toThrow(/failed/);
    expect(await status(await signIn(app.url, "trader1", "a-new-password-for-trader1"))).toBe(200);
  });

  it("after the user is removed from the config", async () => {
    const cookie = await signIn(app.url, "trader2");
    const stream = await liveStream(cookie);
    const at = Date.now();
    app.editConfig((c) => ({ ...c, users: c.users.filter((u) => u.username !== "trader2") }));
    expect(await status(cookie)).toBe(401);
    expect(await endsWithin5s(stream, at)).toBeLessThan(5_000);
  });

  it("after a demotion (401, even for what the lower role may do; a new sign-in has the new role)", async () => {
    const cookie = await signIn(app.url, "trader3");
    const stream = await liveStream(cookie);
    const at = Date.now();
    app.editConfig((c) => ({
      ...c,
      users: c.users.map((u) => (u.username === "trader3" ? { ...u, role: "viewer" } : u)),
    }));
    expect(await status(cookie)).toBe(401);
    expect(await endsWithin5s(stream, at)).toBeLessThan(5_000);
    const again = await signIn(app.url, "trader3");
    expect(await status(again)).toBe(200);
    const reset = await fetch(`${app.url}/api/mmp/reset`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url, cookie: again },
      body: JSON.stringify({
        accountId: "bn-main",
        scope: "BTCUSDT",
        idempotencyKey: "k".repeat(20),
      }),
    });
    expect(reset.status).toBe(403);
  });

  it("after an admin signs the user out everywhere (audited); the user may sign in again", async () => {
    const first = await signIn(app.url, "screen1");
    const second = await signIn(app.url, "screen1");
    const streams = [await liveStream(first), await liveStream(second)];
    const at = Date.now();
    const res = await revoke(admin, { username: "screen1" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ username: "screen1", ended: 2 });
    expect(await status(first)).toBe(401);
    expect(await status(second)).toBe(401);
    for (const stream of streams) expect(await endsWithin5s(stream, at)).toBeLessThan(5_000);
    const row = (await auditRows()).find((r) => r.action === "auth.sign_out_everywhere");
    expect(row).toMatchObject({ actor: "admin1", outcome: "ok" });
    expect(row?.detail).toMatch(/screen1.*2 sessions/);
    expect(await status(await signIn(app.url, "screen1"))).toBe(200);
  });

  it("only an admin may sign others out, and only from this site", async () => {
    const viewer = await signIn(app.url, "viewer1");
    expect((await revoke(viewer, { username: "admin1" })).status).toBe(403);
    expect((await revoke(admin, { username: "viewer1" }, "https://evil.example")).status).toBe(403);
    expect((await revoke(admin, { username: "no such\nuser" })).status).toBe(400);
    expect(await status(viewer)).toBe(200);
    expect(await status(admin)).toBe(200);
  });
});

describe("sign-in throttling", () => {
  it("an unknown username fails exactly like a wrong password (status and body)", async () => {
    const known = await tryPassword(app.url, "trader7", "wrong-password");
    const unknown = await tryPassword(app.url, "nobody-by-this-name", "wrong-password");
    expect(known.signedIn).toBe(false);
    expect(unknown.signedIn).toBe(false);
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
  });

  it("20 wrong passwords for one user: 429 with Retry-After for that user, another signs in meanwhile, the lockout is audited", async () => {
    const answers = [];
    for (let i = 0; i < 20; i += 1)
      answers.push(await tryPassword(app.url, "trader5", `wrong-${i}`));
    // Five attempts are checked; every later one waits out a lock without a password check.
    expect(answers.slice(0, 5).map((a) => a.status)).not.toContain(429);
    expect(answers.slice(5).map((a) => a.status)).toEqual(Array(15).fill(429));
    const right = await tryPassword(app.url, "trader5", passwordOf("trader5"));
    expect(right.status).toBe(429);
    expect(right.signedIn).toBe(false);
    expect(Number(right.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(right.retryAfter)).toBeLessThanOrEqual(15);
    expect(right.body).toMatchObject({ error: { code: "sign_in_throttled" } });
    // Meanwhile, from the same address, another user signs in normally.
    expect(await status(await signIn(app.url, "trader6"))).toBe(200);
    const lockouts = (await auditRows()).filter((r) => r.action === "auth.lockout");
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]).toMatchObject({ actor: "trader5", outcome: "denied" });
  });

  it("an unknown username is locked exactly like a known one", async () => {
    const answers = [];
    for (let i = 0; i < 6; i += 1)
      answers.push((await tryPassword(app.url, "ghost-user", `guess-${i}`)).status);
    expect(answers.slice(0, 5)).not.toContain(429);
    expect(answers[5]).toBe(429);
  });
});

describe("sign-in throttling per client address", () => {
  let small: AppUnderTest;
  beforeAll(async () => {
    small = await startAppUnderTest({ env: { MMP_SIGNIN_ADDRESS_FAILURES: "3" } });
  });
  afterAll(() => small?.stop());

  it("failures spread over many usernames lock the address, for every username", async () => {
    const adminCookie = await signIn(small.url, "admin1");
    for (const name of ["spray-a", "spray-b", "spray-c"])
      expect((await tryPassword(small.url, name, "guess")).status).not.toBe(429);
    const next = await tryPassword(small.url, "spray-d", "guess");
    expect(next.status).toBe(429);
    expect(Number(next.retryAfter)).toBeGreaterThanOrEqual(1);
    const valid = await tryPassword(small.url, "viewer1", passwordOf("viewer1"));
    expect(valid.status).toBe(429);
    const rows = (
      (await (
        await fetch(`${small.url}/api/audit?limit=50`, { headers: { cookie: adminCookie } })
      ).json()) as { rows: AuditRow[] }
    ).rows;
    expect(rows.filter((r) => r.action === "auth.lockout")).toMatchObject([
      { actor: "-", outcome: "denied" },
    ]);
  });
});

// The server reads the session cookie itself (lib/auth/current-user.ts), so it must look for it
// under the name next-auth gives it: behind https that is the `__Secure-` one, which a browser
// accepts only from a secure origin.
describe("behind https (NEXTAUTH_URL https)", () => {
  it("the session is read from the __Secure- cookie, and from no other name", async () => {
    const secure = await startAppUnderTest({
      sim: app.sim,
      env: { NEXTAUTH_URL: "https://desk.example", MMP_MONITOR: "off" },
    });
    try {
      const get = async (cookie: string) =>
        (await fetch(`${secure.url}/api/mmp`, { headers: { cookie } })).status;
      const answer = await tryPassword(secure.url, "viewer1", passwordOf("viewer1"));
      expect(answer.signedIn).toBe(true);
      const token = /__Secure-next-auth\.session-token=([^;]+)/.exec(answer.cookie)?.[1];
      expect(token).toBeTruthy();
      expect(await get(`__Secure-next-auth.session-token=${token}`)).toBe(200);
      expect(await get(`next-auth.session-token=${token}`)).toBe(401);
    } finally {
      await secure.stop();
    }
  });
});
