import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeskSnapshot, MmpRow } from "@/lib/model/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { fixtureAccount } from "../support/fixtures";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";
import { waitFor } from "../support/wait";

// Issue 13, point 2, through the production build: every frozen row says since when. Venues that
// report a trigger time (Binance) give it; the others (Bybit, OKX, Deribit freezes until manual
// reset) show when the desk first saw the freeze, marked as observed — and a restart keeps that
// time (from the trigger history) instead of the restarted process's first read.

let app: AppUnderTest;
beforeAll(async () => {
  app = await startAppUnderTest();
});
afterAll(() => app?.stop());

async function rows(cookie: string): Promise<MmpRow[]> {
  const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie } });
  return ((await res.json()) as DeskSnapshot).rows;
}

describe("frozen since", () => {
  it("every frozen row on each venue has a since; observed ones survive a restart", async () => {
    let cookie = await signIn(app.url, "viewer1");
    const frozenOn = async () => (await rows(cookie)).filter((r) => r.status === "frozen");
    await waitFor(async () => {
      const frozen = await frozenOn();
      return (
        ["binance", "bybit", "okx", "deribit"].every((v) => frozen.some((r) => r.venue === v)) &&
        frozen.every((r) => typeof r.frozenSince === "number")
      );
    }, 15_000);
    const before = await frozenOn();
    for (const r of before) {
      if (r.lastTriggerAt !== null)
        expect(r, r.id).toMatchObject({ frozenSince: r.lastTriggerAt, frozenSinceObserved: false });
      else expect(r.frozenSinceObserved, r.id).toBe(true);
    }
    const observed = before.find((r) => r.id === "bb-main/BTC")!;
    expect(observed.frozenSinceObserved).toBe(true);

    // A new freeze seen by a poll: since = that read, not the row's first appearance.
    await simControl(app.sim.url).freeze(fixtureAccount("okx-main").apiKey, "ETH-USD");
    await waitFor(
      async () =>
        (await rows(cookie)).find((r) => r.id === "okx-main/ETH-USD")?.status === "frozen",
      10_000,
    );

    // Killed, as a crash or a deploy would; the simulator (this process's) keeps its state.
    await app.crash!();
    await app.restart!();
    cookie = await signIn(app.url, "viewer1");
    await waitFor(async () => {
      const r = (await rows(cookie)).find((x) => x.id === observed.id);
      return r?.status === "frozen" && typeof r.frozenSince === "number";
    }, 15_000);
    const after = (await rows(cookie)).find((x) => x.id === observed.id)!;
    expect(after).toMatchObject({ frozenSince: observed.frozenSince, frozenSinceObserved: true });
  });
});
