import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Settings } from "@/lib/config/settings";
import { settings as appSettings } from "@/lib/config/settings";
import { readAccountNow, rowsOf, setPaced } from "@/lib/live/account-state";
import type { MmpRow } from "@/lib/model/types";
import type { UsableVenueAccount } from "@/lib/venues/account";
import { waitFor } from "../support/wait";
import { SETTINGS, newKey, startResetBench, type ResetBench } from "./reset-bench";

// Rows past their stale limit, in-process against the simulator. The desk's limit is set short
// here (read lazily by lib/platform/env.ts at first use, i.e. after this runs), shorter than the
// reset's freshness bound: a read young enough for a reset to skip re-reading can already show
// its rows UNKNOWN. And an account a rate budget polls less often than configured (Binance's
// per-IP weight shared by many accounts) keeps fresh rows until a paced read is missed.
process.env.MMP_STALE_AFTER_MS = "500";

const ROW = { accountId: "bn-main", scope: "BTCUSDT" };
const RESET_PATH = "/eapi/v1/mmpReset";
const settings: Settings = { ...SETTINGS };
let bench: ResetBench;

beforeAll(async () => {
  bench = await startResetBench({ settings: () => settings });
});
afterAll(() => bench?.close());
beforeEach(async () => {
  Object.assign(settings, SETTINGS);
  setPaced(account(), null);
  await bench.restore();
});

const account = () => bench.accounts.get(ROW.accountId) as UsableVenueAccount;
const btcRow = (): MmpRow => rowsOf(account()).find((r) => r.scope === ROW.scope)!;

describe("a reset over a read past the stale limit", () => {
  it("reads again instead of refusing the row as UNKNOWN", async () => {
    settings.resetFreshMs = 10_000;
    await readAccountNow(account());
    await waitFor(async () => btcRow().status === "unknown", 5_000);
    expect(btcRow().lastKnown).toBe("frozen");
    await bench.ctl.clearLog();

    const res = await bench.post({ ...ROW, idempotencyKey: newKey() });
    expect(res.status, await res.clone().text()).toBe(200);
    const paths = (await bench.ctl.log()).map((e) => e.path);
    // The read came first, then the reset it confirmed.
    expect(paths.indexOf("/eapi/v1/mmp")).toBeGreaterThanOrEqual(0);
    expect(paths.indexOf("/eapi/v1/mmp")).toBeLessThan(paths.indexOf(RESET_PATH));
  });
});

describe("an account polled at a budget's pace", () => {
  it("keeps its rows fresh for two paced intervals and a timeout, and says so on each row", async () => {
    await readAccountNow(account());
    setPaced(account(), 3_000);
    const limit = 2 * 3_000 + appSettings().readTimeoutMs;
    expect(btcRow().staleAfterMs).toBe(limit);
    const fetchedAt = btcRow().fetchedAt!;
    expect(rowsOf(account(), fetchedAt + limit).find((r) => r.scope === ROW.scope)?.status).toBe(
      "frozen",
    );
    expect(
      rowsOf(account(), fetchedAt + limit + 1).find((r) => r.scope === ROW.scope)?.status,
    ).toBe("unknown");

    // Back to the configured pace: the desk's own limit again.
    setPaced(account(), null);
    expect(btcRow().staleAfterMs).toBeUndefined();
    expect(rowsOf(account(), fetchedAt + 501).find((r) => r.scope === ROW.scope)?.status).toBe(
      "unknown",
    );
  });
});
