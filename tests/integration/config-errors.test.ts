import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../support/app-server";

// A bad environment variable stops the production server at start with one line naming it
// (lib/platform/env.ts, reported by lib/server/start.ts) — never a desk that runs on NaN.

async function startWith(
  vars: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(MMP_|NEXTAUTH_|DATABASE_URL|LOG_LEVEL)/.test(k)) env[k] = v;
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: {
        ...env,
        NODE_ENV: "production",
        MMP_DEMO: "1",
        MMP_SQLITE_PATH: join(mkdtempSync(join(tmpdir(), "mmp-env-")), "desk.sqlite"),
        ...vars,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}

/** The lines between the "configuration error" header and the next blank line. */
function reported(output: string): string[] {
  const match = /MMP risk desk: configuration error\n([\s\S]*?)\n\n/.exec(output);
  return match ? match[1]!.split("\n") : [];
}

describe("environment errors at start-up", () => {
  it("a garbage number stops the server with one line naming the variable", async () => {
    const { code, output } = await startWith({ MMP_POLL_INTERVAL_MS: "abc" });
    expect(code).toBe(1);
    expect(reported(output)).toEqual([
      'MMP_POLL_INTERVAL_MS: expected an integer between 250 and 600000, got "abc"',
    ]);
    expect(output).not.toMatch(/DEMO MODE|Demo users/);
  });

  it("a bad LOG_LEVEL is reported the same way, not as a crash of the logger", async () => {
    const { code, output } = await startWith({ LOG_LEVEL: "loud" });
    expect(code).toBe(1);
    expect(reported(output)).toEqual([
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
  });
});
