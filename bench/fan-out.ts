import type { AppUnderTest } from "../tests/support/app-server";
import { signIn } from "../tests/support/session";
import { simControl } from "../tests/support/sim-client";
import { resetTimedFreezes } from "./api";
import { openMany } from "./sse";
import { log, round, sleep } from "./stats";

// Figure 2: upstream MMP reads per minute with 1 and with 200 open stream clients. The simulator
// logs every venue request; we count the MMP read calls during a window with each population.
// Rows frozen for a finite period are reset first, so no freeze expires inside a window and
// changes the monitor's poll rate (frozen accounts are polled faster).

const READ_PATHS = new Set([
  "/eapi/v1/mmp",
  "/v5/account/mmp-state",
  "/api/v5/account/mmp-config",
  "/api/v2/private/get_mmp_config",
  "/api/v2/private/get_mmp_status",
]);

export interface FanOutSide {
  clients: number;
  connected: number;
  receivedUpdates: number;
  mmpReads: number;
  allVenueRequests: number;
  mmpReadsPerMinute: number;
}

export interface FanOut {
  windowMs: number;
  pollIntervalMs: number;
  one: FanOutSide;
  many: FanOutSide;
  ratio: number;
  timedFreezesResetFirst: string[];
}

async function side(app: AppUnderTest, cookies: string[], clients: number, windowMs: number) {
  const ctl = simControl(app.sim.url);
  const streams = await openMany(clients, 50, `${app.url}/api/stream`, cookies);
  await sleep(1500);
  const before = streams.map((s) => s.accountEvents);
  await ctl.clearLog();
  await sleep(windowMs); // the measurement window itself
  const entries = await ctl.log();
  const result: FanOutSide = {
    clients,
    connected: streams.filter((s) => s.connected).length,
    receivedUpdates: streams.filter((s, i) => s.accountEvents > before[i]!).length,
    mmpReads: entries.filter((e) => READ_PATHS.has(e.path)).length,
    allVenueRequests: entries.filter((e) => e.method !== "WS").length,
    mmpReadsPerMinute: 0,
  };
  result.mmpReadsPerMinute = round((result.mmpReads * 60_000) / windowMs, 1);
  streams.forEach((s) => s.close());
  await sleep(500);
  log(`fan-out ${clients} client(s): ${result.mmpReads} MMP reads in ${windowMs / 1000} s`);
  return result;
}

export async function fanOut(
  app: AppUnderTest,
  opts: { windowMs: number; pollIntervalMs: number },
): Promise<FanOut> {
  const trader = await signIn(app.url, "trader3");
  const timedFreezesResetFirst = await resetTimedFreezes(app.url, trader);
  const cookies = await Promise.all(
    ["viewer1", "trader4", "trader5"].map((u) => signIn(app.url, u)),
  );
  await sleep(2500); // let the monitor settle on the new states
  const one = await side(app, cookies, 1, opts.windowMs);
  const many = await side(app, cookies, 200, opts.windowMs);
  return {
    windowMs: opts.windowMs,
    pollIntervalMs: opts.pollIntervalMs,
    one,
    many,
    ratio: round(many.mmpReads / Math.max(1, one.mmpReads), 3),
    timedFreezesResetFirst,
  };
}
