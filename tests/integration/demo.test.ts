import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeskSnapshot } from "@/lib/model/types";
import { freePort } from "../support/app-server";
import { signIn } from "../support/session";
import { waitFor } from "../support/wait";

// What the README's demo command serves: the production build in demo mode (no config file, no
// NEXTAUTH_SECRET), its own simulator, demo users printed at start — and a desk with frozen and
// active rows on every venue that a demo user can sign in to.

let child: ChildProcess;
let output = "";
let url = "";

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(MMP_|NEXTAUTH_|DATABASE_URL)/.test(k)) env[k] = v;
  child = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: {
        ...env,
        MMP_DEMO: "1",
        NODE_ENV: "production",
        MMP_SQLITE_PATH: join(mkdtempSync(join(tmpdir(), "mmp-demo-")), "demo.sqlite"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  await waitFor(
    () => /Demo users/.test(output) && /trader\s+\S+\s+\(trader\)/.test(output),
    60_000,
  );
});
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
});

describe("demo mode", () => {
  it("prints its users last, in a box after Next's start-up lines", () => {
    expect(output).toMatch(/┌─+┐\n\s+│ Demo users \(username, password\)/);
    const ready = output.indexOf("Ready");
    if (ready >= 0) expect(output.indexOf("Demo users")).toBeGreaterThan(ready);
  });

  it("prints one demo user per role and serves a desk with frozen and active rows on all four venues", async () => {
    for (const role of ["viewer", "screen", "trader", "admin"])
      expect(output).toMatch(new RegExp(`\\s${role}\\s+\\S+\\s+\\(${role}\\)`));
    const password = /\strader\s+(\S+)\s+\(trader\)/.exec(output)![1]!;
    const cookie = await signIn(url, "trader", password);
    let snapshot: DeskSnapshot | null = null;
    await waitFor(async () => {
      snapshot = (await (
        await fetch(`${url}/api/mmp`, { headers: { cookie } })
      ).json()) as DeskSnapshot;
      return (
        snapshot.rows.some((r) => r.status === "frozen") &&
        snapshot.rows.some((r) => r.status === "active")
      );
    }, 15_000);
    const s = snapshot as unknown as DeskSnapshot;
    expect(s.demo).toBe(true);
    expect(new Set(s.rows.map((r) => r.venue))).toEqual(
      new Set(["binance", "bybit", "okx", "deribit"]),
    );
    const binance = s.rows.filter((r) => r.venue === "binance");
    expect(binance.some((r) => r.status === "frozen")).toBe(true);
    expect(binance.some((r) => r.status === "active")).toBe(true);
    // The page itself (server-rendered, a different bundle from the API) accepts the session.
    const page = await fetch(`${url}/`, { headers: { cookie }, redirect: "manual" });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("DEMO MODE");
    expect(html).toContain("Signed in as");
  });
});
