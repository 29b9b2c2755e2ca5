import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeskSnapshot, MmpRow } from "@/lib/model/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { fixtureAccount } from "../support/fixtures";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";
import { waitFor } from "../support/wait";

// Binance reports no frozen flag, and its lastTriggerTime may survive a reset (the simulator's
// default): the desk knows a freeze is over because it remembers the trigger its reset cleared.
// That memory must outlive the process: a crash or deploy after a reset must not bring the row
// back as FROZEN on the wall (and invite a second reset), while a new freeze still shows.

const ROW_ID = "bn-main/BTCUSDT";
let app: AppUnderTest;
beforeAll(async () => {
  app = await startAppUnderTest();
});
afterAll(() => app?.stop());

async function row(cookie: string): Promise<MmpRow | undefined> {
  const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie } });
  return ((await res.json()) as DeskSnapshot).rows.find((r) => r.id === ROW_ID);
}

describe("a Binance freeze cleared by a reset", () => {
  it("stays cleared after a restart; a later freeze shows again", async () => {
    let cookie = await signIn(app.url, "trader1");
    await waitFor(async () => (await row(cookie))?.status === "frozen", 10_000);
    const res = await fetch(`${app.url}/api/mmp/reset`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url, cookie },
      body: JSON.stringify({
        accountId: "bn-main",
        scope: "BTCUSDT",
        idempotencyKey: "memory-1",
      }),
    });
    expect(res.status).toBe(200);
    await waitFor(async () => (await row(cookie))?.status === "active", 5000);

    await app.crash!();
    const restartedAt = Date.now();
    await app.restart!();
    cookie = await signIn(app.url, "viewer1");
    // The restarted process's own reads, not what it may have served before its first read.
    await waitFor(async () => ((await row(cookie))?.fetchedAt ?? 0) > restartedAt, 15_000);
    expect(await row(cookie)).toMatchObject({ status: "active" });

    await simControl(app.sim.url).freeze(fixtureAccount("bn-main").apiKey, "BTCUSDT");
    await waitFor(async () => (await row(cookie))?.status === "frozen", 10_000);
  });
});
