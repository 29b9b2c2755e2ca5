import type { DeskSnapshot } from "@/lib/model/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@/simulator";
import type { SimHandle } from "@/simulator/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { simAccounts } from "../support/fixtures";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";
import { waitFor } from "../support/wait";

// Binance counts request weight per IP (venues.md 2026-11): the fixture's Binance accounts (three
// readable, one with a wrong secret) share one budget, which the simulator enforces (429 / -1003
// past it, without Retry-After). The desk reads the budget from exchangeInfo, paces every
// account's polls against the shared budget, and a reset still gets through under that load.
// Polled less often than configured, the accounts' rows keep a stale limit to match: the desk
// does not show them UNKNOWN between two paced reads.

const PER_MINUTE = 120;
let sim: SimHandle;
let app: AppUnderTest;

beforeAll(async () => {
  sim = await startSimulator({ accounts: simAccounts(), binanceWeightPerMinute: PER_MINUTE });
  // Polls as fast as the desk allows: paced only per account, they would spend ~1,000 weight a minute.
  app = await startAppUnderTest({
    sim,
    env: { MMP_POLL_INTERVAL_MS: "250", MMP_FROZEN_POLL_INTERVAL_MS: "250" },
  });
});
afterAll(async () => {
  await app?.stop();
  await sim?.close();
});

describe("the Binance weight budget is shared per IP", () => {
  it("learns the budget, keeps every account under it, and a reset still gets through", async () => {
    const ctl = simControl(sim.url);
    const binance = async () => (await ctl.log()).filter((e) => e.venue === "binance");
    await waitFor(
      async () => (await binance()).some((e) => e.path === "/eapi/v1/exchangeInfo"),
      10_000,
    );
    // A window to measure, not a condition to wait for: 20 s of polling at full speed.
    await new Promise((r) => setTimeout(r, 20_000));
    const refused = (await binance()).filter((e) => e.status === 429);
    expect(refused).toEqual([]);
    const polls = (await binance()).filter((e) => e.path === "/eapi/v1/mmp").length;
    expect(polls).toBeGreaterThan(10);

    const cookie = await signIn(app.url, "trader1");
    const desk = (await (
      await fetch(`${app.url}/api/mmp`, { headers: { cookie } })
    ).json()) as DeskSnapshot;
    const main = desk.rows.filter((r) => r.accountId === "bn-main");
    expect(main.map((r) => r.status).sort()).toEqual(["active", "disabled", "frozen"]);
    for (const row of main) expect(row.staleAfterMs).toBeGreaterThan(desk.staleAfterMs);

    const res = await fetch(`${app.url}/api/mmp/reset`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url, cookie },
      body: JSON.stringify({
        accountId: "bn-main",
        scope: "BTCUSDT",
        idempotencyKey: `weight-${Date.now()}`,
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await binance()).filter((e) => e.status === 429)).toEqual([]);
  }, 60_000);
});
