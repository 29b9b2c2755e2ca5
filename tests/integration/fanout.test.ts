import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fixtureAccounts from "../support/fixture-accounts.json" with { type: "json" };
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";
import { openStream, type SseClient } from "../support/sse-client";

// Upstream request rate does not grow with the number of viewers: the simulator counts the MMP
// reads during 20 s with 1 stream client and during 20 s with 200. With 200 there are at most 5 %
// more, or one more per account where that is more: each account's read can fall either side of a
// window's edge. Fewer is not more: a round is timed from when its timer fired, and on a busy host
// (CI runs three such files at once) a process serving 200 streams fires its timers a little late
// (seen: 286 → 270 reads, -5.6 %); the test only asks that polling goes on (at least 80 %). (`npm run
// bench` measures the ratio over longer windows; this test checks the behaviour, that viewers do
// not multiply reads.)

const WINDOW_MS = Number(process.env.MMP_FANOUT_WINDOW_MS ?? 20_000);
const ACCOUNTS = fixtureAccounts.accounts.length;
const READ_PATHS = [
  "/eapi/v1/mmp",
  "/v5/account/mmp-state",
  "/api/v5/account/mmp-config",
  "/api/v2/private/get_mmp_config",
  "/api/v2/private/get_mmp_status",
];

let app: AppUnderTest;
let cookie = "";

beforeAll(async () => {
  // Frozen rows are polled faster; a freeze expiring mid-window would change the rate on its own.
  // 200 streams of one user from one address: above the default stream caps.
  app = await startAppUnderTest({
    env: {
      MMP_FROZEN_POLL_INTERVAL_MS: "1000",
      MMP_STREAMS_PER_USER: "300",
      MMP_STREAMS_PER_ADDRESS: "300",
    },
  });
  cookie = await signIn(app.url, "viewer1");
});
afterAll(() => app?.stop());

async function readsDuring(clients: number): Promise<number> {
  const ctl = simControl(app.sim.url);
  const streams: SseClient[] = await Promise.all(
    Array.from({ length: clients }, () => openStream(`${app.url}/api/stream`, cookie)),
  );
  expect(streams.every((s) => s.status === 200)).toBe(true);
  await ctl.clearLog();
  await new Promise((r) => setTimeout(r, WINDOW_MS)); // a measurement window, not a wait for a condition
  const log = await ctl.log();
  const received = streams.filter((s) => s.events.some((e) => e.event === "account")).length;
  streams.forEach((s) => s.close());
  expect(received).toBe(clients);
  return log.filter((e) => READ_PATHS.includes(e.path)).length;
}

describe("fan-out", () => {
  it(
    "200 stream clients cost the venues no more reads than 1 (+5 %, or one per account)",
    async () => {
      const one = await readsDuring(1);
      const many = await readsDuring(200);
      console.log(
        `upstream MMP reads per ${WINDOW_MS / 1000} s: 1 client ${one}, 200 clients ${many}`,
      );
      expect(one).toBeGreaterThan(50);
      expect(many - one).toBeLessThanOrEqual(Math.max(0.05 * one, ACCOUNTS));
      expect(many).toBeGreaterThanOrEqual(0.8 * one);
    },
    3 * WINDOW_MS,
  );
});
