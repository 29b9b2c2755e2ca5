import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeskSnapshot } from "@/lib/model/types";
import { startSimulator } from "@/simulator";
import type { SimHandle } from "@/simulator/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { fixtureAccount, simAccounts } from "../support/fixtures";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";
import { waitFor } from "../support/wait";

// Deribit's MMP methods draw on the matching-engine credit pool the account quotes with (venues.md
// 2026-11); the simulator keeps that pool per API key and answers 10028 when it is empty, ending
// the session the call came on. The desk counts its calls against the account's share of the
// pool (`requestsPerSecond`), so it never empties the pool by itself, even when its push channel
// is down and it is asked to poll every 250 ms; when the quoting engine empties it, the desk
// backs off and says so, and its push websocket (which makes no matching-engine call) survives.

const STATUS = "/api/v2/private/get_mmp_status";
const WS = "/ws/api/v2";
const key = fixtureAccount("deribit-main").apiKey;
let sim: SimHandle;
let app: AppUnderTest;

beforeAll(async () => {
  // A low tier: 1 credit per second, burst 3. The desk is told its share is 0.8/s.
  sim = await startSimulator({
    accounts: simAccounts(),
    deribitCredits: { perSecond: 1, burst: 3 },
  });
  app = await startAppUnderTest({
    sim,
    env: { MMP_POLL_INTERVAL_MS: "250", MMP_FROZEN_POLL_INTERVAL_MS: "250" },
    config: (c) => ({
      ...c,
      accounts: c.accounts.map((a) =>
        a.id === "deribit-main" ? { ...a, requestsPerSecond: 0.8 } : a,
      ),
    }),
  });
});
afterAll(async () => {
  await app?.stop();
  await sim?.close();
});

describe("Deribit's matching-engine credits", () => {
  it("polls stay inside the account's share of the pool with the push channel down", async () => {
    const ctl = simControl(sim.url);
    // No push channel: the desk polls at its normal (here: fastest) rate.
    await ctl.fault({ venue: "deribit", path: WS, kind: "status", status: 503, times: 0 });
    const ofMain = (e: { apiKey: string | null }) => e.apiKey === key;
    await waitFor(async () => (await ctl.log({ path: STATUS })).some(ofMain), 10_000);
    const since = Date.now();
    // A measurement window, not a wait for a condition: 12 s of polling.
    await new Promise((r) => setTimeout(r, 12_000));
    const calls = (await ctl.log({ venue: "deribit" })).filter((e) => ofMain(e) && e.at >= since);
    expect(calls.filter((e) => e.status === 429)).toEqual([]);
    expect(calls.filter((e) => e.path === STATUS).length).toBeGreaterThanOrEqual(3);

    const cookie = await signIn(app.url, "viewer1");
    const desk = (await (
      await fetch(`${app.url}/api/mmp`, { headers: { cookie } })
    ).json()) as DeskSnapshot;
    const rows = desk.rows.filter((r) => r.accountId === "deribit-main");
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.status).not.toBe("unknown");
  }, 40_000);

  it("the quoting engine empties the pool: 'venue rate limit', back-off, and the websocket session is kept", async () => {
    const ctl = simControl(sim.url);
    await ctl.clearFaults();
    const cookie = await signIn(app.url, "viewer1");
    const rows = async () =>
      (
        (await (await fetch(`${app.url}/api/mmp`, { headers: { cookie } })).json()) as DeskSnapshot
      ).rows.filter((r) => r.accountId === "deribit-main");
    // New websocket connections (upgrades) of any Deribit account.
    const upgrades = async () =>
      (await ctl.log({ venue: "deribit", path: WS })).filter((e) => e.method === "GET").length;
    // The push channel is up (the previous test kept it down) once it has subscribed.
    await ctl.clearLog();
    await waitFor(
      async () =>
        (await ctl.log({ venue: "deribit" })).some((e) => /subscribe/.test(`${e.path} ${e.body}`)),
      20_000,
    );
    await waitFor(async () => (await rows()).every((r) => r.problem === null), 15_000);
    const before = await upgrades();

    // The market maker's quoting spends every credit, and the pool barely refills.
    await ctl.credits({ apiKey: key, perSecond: 0.01, spend: 100 });
    await waitFor(
      async () => (await rows()).every((r) => /venue rate limit/.test(r.problem?.message ?? "")),
      15_000,
    );
    const refusedAt = Date.now();
    // Backing off: no matching-engine call for several seconds (a window to measure).
    await new Promise((r) => setTimeout(r, 5_000));
    const during = (await ctl.log({ path: STATUS })).filter(
      (e) => e.apiKey === key && e.at > refusedAt,
    );
    expect(during).toEqual([]);

    // The pool refills: reads resume by themselves, on the same websocket session.
    await ctl.credits({ apiKey: key, perSecond: 1, burst: 3, spend: 0 });
    await waitFor(async () => (await rows()).every((r) => r.problem === null), 20_000);
    expect(await upgrades()).toBe(before);
  }, 60_000);
});
