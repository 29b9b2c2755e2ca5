import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@/simulator";
import type { SimHandle } from "@/simulator/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { createPgDatabase, type TempPg } from "../support/databases";
import { simAccounts } from "../support/fixtures";
import { signIn, signOut, tryPassword } from "../support/session";
import { openStream } from "../support/sse-client";
import { waitFor } from "../support/wait";

// Two app processes on one PostgreSQL: a session ended in one process is ended in the other too
// (401 there, its streams there close within 5 s), and sign-in throttling counts across both.

let pgdb: TempPg;
let sim: SimHandle;
let a: AppUnderTest;
let b: AppUnderTest;

const status = async (app: AppUnderTest, cookie: string) =>
  (await fetch(`${app.url}/api/mmp`, { headers: { cookie } })).status;

beforeAll(async () => {
  pgdb = await createPgDatabase();
  sim = await startSimulator({ accounts: simAccounts() });
  a = await startAppUnderTest({ sim, databaseUrl: pgdb.url });
  b = await startAppUnderTest({ sim, databaseUrl: pgdb.url });
  // One config file for both, as in production (each test app hashes the fixture passwords with
  // its own salts, and a session is bound to the password hash it signed in with).
  let shared: Parameters<Parameters<AppUnderTest["editConfig"]>[0]>[0] | undefined;
  a.editConfig((c) => (shared = c));
  b.editConfig(() => shared!);
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await sim?.close();
  await pgdb?.drop();
});

describe("sessions across processes", () => {
  it("signed out in one process: 401 in the other, and its stream there closes within 5 s", async () => {
    const cookie = await signIn(a.url, "viewer1");
    expect(await status(b, cookie)).toBe(200);
    const stream = await openStream(`${b.url}/api/stream`, cookie);
    await stream.waitForEvent((e) => e.event === "snapshot");
    const at = Date.now();
    await signOut(a.url, cookie);
    expect(await status(b, cookie)).toBe(401);
    await waitFor(() => stream.ended, 5_000, 20);
    expect(Date.now() - at).toBeLessThan(5_000);
  });

  it("signed out everywhere through one process: 401 in the other", async () => {
    const admin = await signIn(b.url, "admin1");
    const cookie = await signIn(a.url, "trader4");
    const res = await fetch(`${b.url}/api/sessions/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: b.url, cookie: admin },
      body: JSON.stringify({ username: "trader4" }),
    });
    expect(await res.json()).toEqual({ username: "trader4", ended: 1 });
    expect(await status(a, cookie)).toBe(401);
  });

  it("wrong passwords spread over both processes share one count", async () => {
    const answers = [];
    for (let i = 0; i < 6; i += 1)
      answers.push((await tryPassword(i % 2 ? b.url : a.url, "trader8", `wrong-${i}`)).status);
    expect(answers.slice(0, 5)).not.toContain(429);
    expect(answers[5]).toBe(429);
  });
});
