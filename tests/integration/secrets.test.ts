import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { FIXTURE_SECRETS } from "../support/fixtures";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";

// Secrets stay on the server: scan the production client bundle, every kind of API answer, the
// rendered page and the server's own log output for the configured secrets.
// scripts/test-all.sh builds the app with these same secrets in its environment.

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function findSecrets(text: string): string[] {
  return FIXTURE_SECRETS.filter((secret) => text.includes(secret));
}

let app: AppUnderTest;
beforeAll(async () => {
  app = await startAppUnderTest();
});
afterAll(() => app?.stop());

describe("no secret leaves the server", () => {
  it("the scanner finds a planted secret (so a clean result means something)", () => {
    expect(findSecrets(`prefix ${FIXTURE_SECRETS[0]} suffix`)).toHaveLength(1);
  });

  it("the client bundle (.next/static) contains no configured secret", () => {
    const files = filesUnder(".next/static");
    expect(files.length).toBeGreaterThan(5);
    const leaks = files.filter((f) => findSecrets(readFileSync(f, "latin1")).length > 0);
    expect(leaks).toEqual([]);
  });

  it("API answers, error answers, the page and the server log contain no secret", async () => {
    const ctl = simControl(app.sim.url);
    const cookie = await signIn(app.url, "admin1");
    const bodies: string[] = [];
    const reset = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${app.url}/api/mmp/reset`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: app.url, cookie, ...headers },
        body: JSON.stringify(body),
      });
    bodies.push(await (await fetch(`${app.url}/api/mmp`, { headers: { cookie } })).text());
    bodies.push(await (await fetch(`${app.url}/`, { headers: { cookie } })).text());
    bodies.push(await (await fetch(`${app.url}/audit`, { headers: { cookie } })).text());
    bodies.push(
      await (await fetch(`${app.url}/api/audit?format=csv`, { headers: { cookie } })).text(),
    );
    bodies.push(await (await fetch(`${app.url}/api/auth/session`, { headers: { cookie } })).text());
    bodies.push(
      await (
        await reset({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: "secret-scan-1" })
      ).text(),
    );
    bodies.push(
      await (
        await reset({
          accountId: "bn-badsecret",
          scope: "ETHUSDT",
          idempotencyKey: "secret-scan-2",
        })
      ).text(),
    );
    bodies.push(
      await (
        await reset({ accountId: "bn-missing", scope: "BTCUSDT", idempotencyKey: "secret-scan-3" })
      ).text(),
    );
    bodies.push(
      await (
        await reset({ accountId: "nope", scope: "x", idempotencyKey: "secret-scan-4" })
      ).text(),
    );
    await ctl.fault({ path: "/eapi/v1/mmp", kind: "status", status: 500, times: 0 });
    bodies.push(await (await fetch(`${app.url}/api/mmp`, { headers: { cookie } })).text());
    await ctl.clearFaults();
    expect(bodies.join("\n").length).toBeGreaterThan(1000);
    expect(findSecrets(bodies.join("\n"))).toEqual([]);
    expect(findSecrets(app.logs())).toEqual([]);
  });
});
