import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeskSnapshot, MmpRow } from "@/lib/model/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { fixtureAccount } from "../support/fixtures";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";
import { waitFor } from "../support/wait";

// The dead-man switch column over HTTP, against the simulator (issue 14): each venue's switch is
// read with its read endpoint only, shown as the venue has it, follows a change at the venue at
// the read cadence — and the simulator never receives a call that would take part in a switch
// (heartbeat, setter, cancel-all-after, enable/disable cancel-on-disconnect).

let app: AppUnderTest;
let cookie = "";
const ctl = () => simControl(app.sim.url);

beforeAll(async () => {
  app = await startAppUnderTest({ env: { MMP_DEADMAN_POLL_INTERVAL_MS: "1000" } });
  cookie = await signIn(app.url, "viewer1");
});
afterAll(() => app?.stop());

const rows = async (): Promise<MmpRow[]> =>
  ((await (await fetch(`${app.url}/api/mmp`, { headers: { cookie } })).json()) as DeskSnapshot)
    .rows;
const deadManOf = async (id: string) => (await rows()).find((r) => r.id === id)?.deadMan;
const forbidden = async () =>
  ((await (await fetch(`${app.sim.url}/__sim/forbidden`)).json()) as { calls: unknown[] }).calls;

describe("dead-man switches, read-only", () => {
  it("shows each venue's switch as the venue has it", async () => {
    await waitFor(async () => (await deadManOf("bn-main/BTCUSDT"))?.state === "armed", 10_000);
    await waitFor(async () => (await deadManOf("deribit-main/eth_usd"))?.state === "off", 10_000);
    expect(await deadManOf("bn-main/BTCUSDT")).toMatchObject({ windowMs: 30_000, reach: "scope" });
    expect(await deadManOf("bn-main/ETHUSDT")).toMatchObject({ state: "off", reach: "scope" });
    expect(await deadManOf("bb-main/BTC")).toMatchObject({
      state: "armed",
      windowMs: 10_000,
      reach: "account",
    });
    expect(await deadManOf("deribit-main/btc_usd/mm1")).toMatchObject({
      state: "off",
      reach: "account",
      note: "default for new connections",
    });
    expect(await deadManOf("okx-main/BTC-USD")).toMatchObject({ state: "not_readable" });
    const read = (await deadManOf("bb-main/BTC"))?.fetchedAt ?? 0;
    expect(Date.now() - read).toBeLessThan(10_000);
  });

  it("follows a change at the venue at the read cadence", async () => {
    const res = await fetch(`${app.sim.url}/__sim/deadman`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ apiKey: fixtureAccount("bn-main").apiKey, binanceCountdowns: {} }),
    });
    expect(res.ok).toBe(true);
    await waitFor(async () => (await deadManOf("bn-main/BTCUSDT"))?.state === "off", 5_000);
    await ctl().restore();
    await waitFor(async () => (await deadManOf("bn-main/BTCUSDT"))?.state === "armed", 5_000);
  });

  it("uses only the read endpoints, and the venue never sees a call that takes part in a switch", async () => {
    const reads = [
      "GET /eapi/v1/countdownCancelAll",
      "GET /v5/account/query-dcp-info",
      "GET /api/v2/private/get_cancel_on_disconnect",
    ];
    await waitFor(async () => {
      const paths = new Set((await ctl().log()).map((e) => `${e.method} ${e.path}`));
      return reads.every((r) => paths.has(r));
    }, 5_000);
    const asked = (await ctl().log({ path: "/api/v2/private/get_cancel_on_disconnect" })).map(
      (e) => e.query,
    );
    expect(asked.every((q) => /(^|&)scope=account(&|$)/.test(q))).toBe(true);
    expect(await forbidden()).toEqual([]);
  });
});
