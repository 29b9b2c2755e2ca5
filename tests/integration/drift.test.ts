import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeskSnapshot, MmpRow, RowDrift, TriggerHistory } from "@/lib/model/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { fixtureAccount } from "../support/fixtures";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";
import { waitFor } from "../support/wait";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";

// Desired limits and drift (issue 15, point 5), against the production build and the simulator:
// a configuration changed at the venue behind the desk's back shows on the row within two poll
// intervals (the test server polls every second), is audited and alerted once; MMP switched off
// at the venue is the loudest drift; back to the desired values, it clears.

let app: AppUnderTest;
let receiver: WebhookReceiver<Hook>;
let cookie = "";
type Hook = { event: string; row: { id: string }; drift: RowDrift };
/** The drift alerts (freeze alerts of the fixtures' frozen rows are not this test's). */
const hooks = () => receiver.calls.filter((h) => h.event !== "mmp.frozen");
const key = fixtureAccount("bn-main").apiKey;
const ROW = "bn-main/ETHUSDT";

const row = async (): Promise<MmpRow | undefined> =>
  (
    (await (await fetch(`${app.url}/api/mmp`, { headers: { cookie } })).json()) as DeskSnapshot
  ).rows.find((r) => r.id === ROW);
const auditOutcomes = async () => {
  const res = await fetch(`${app.url}/api/audit?scope=ETHUSDT&limit=50`, { headers: { cookie } });
  const body = (await res.json()) as { rows: { outcome: string; account_id: string }[] };
  return body.rows.filter((r) => r.account_id === "bn-main").map((r) => r.outcome);
};

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  app = await startAppUnderTest({
    env: { MMP_ALERT_WEBHOOK_URL: receiver.url },
    config: (c) => ({
      ...c,
      accounts: c.accounts.map((a) =>
        a.id === "bn-main"
          ? {
              ...a,
              desired: {
                ETHUSDT: {
                  windowMs: 5000,
                  frozenPeriodMs: 60_000,
                  qtyLimit: "250.0",
                  deltaLimit: "80",
                },
              },
            }
          : a,
      ),
    }),
  });
  cookie = await signIn(app.url, "admin1");
});
afterAll(async () => {
  await app?.stop();
  await receiver?.close();
});

describe("drift from the desired limits", () => {
  it("none while the venue matches (desired values compared in the desk's precision)", async () => {
    await waitFor(async () => (await row())?.status === "active", 10_000);
    expect((await row())?.drift).toBeUndefined();
  });

  it("a limit changed at the venue shows within two poll intervals, audited and alerted once", async () => {
    const ctl = simControl(app.sim.url);
    await ctl.setScope({ apiKey: key, scope: "ETHUSDT", qtyLimit: "270" });
    const changedAt = Date.now();
    await waitFor(async () => (await row())?.drift !== undefined, 5_000);
    expect(Date.now() - changedAt).toBeLessThan(2 * 1000 + 1500);
    expect((await row())?.drift).toMatchObject({
      off: false,
      fields: [{ field: "qtyLimit", label: "Qty limit", desired: "250.0", live: "270" }],
    });
    await waitFor(async () => hooks().some((h) => h.row.id === ROW), 5_000);
    await waitFor(async () => (await auditOutcomes()).includes("drift_detected"), 5_000);
    // Several more polls: still one alert for this drift.
    const seq = (await fetch(`${app.sim.url}/__sim/log`).then((r) => r.json())) as {
      entries: unknown[];
    };
    await waitFor(
      async () =>
        ((await fetch(`${app.sim.url}/__sim/log`).then((r) => r.json())) as { entries: unknown[] })
          .entries.length >
        seq.entries.length + 10,
      10_000,
    );
    expect(
      hooks()
        .filter((h) => h.row.id === ROW)
        .map((h) => h.event),
    ).toEqual(["mmp.limits_drift"]);
  });

  it("MMP switched off at the venue is the loudest drift; back to the desired values it clears", async () => {
    const ctl = simControl(app.sim.url);
    await ctl.setScope({ apiKey: key, scope: "ETHUSDT", enabled: false });
    await waitFor(async () => (await row())?.drift?.off === true, 5_000);
    await waitFor(async () => hooks().some((h) => h.event === "mmp.protection_off"), 5_000);

    await ctl.setScope({ apiKey: key, scope: "ETHUSDT", enabled: true, qtyLimit: "250" });
    await waitFor(async () => {
      const r = await row();
      return r?.status === "active" && r.drift === undefined;
    }, 5_000);
    await waitFor(async () => (await auditOutcomes()).includes("drift_cleared"), 5_000);
    expect(hooks().filter((h) => h.row.id === ROW)).toHaveLength(2);
    // The row's history tells the same story, newest first.
    const history = (await (
      await fetch(`${app.url}/api/mmp/history?row=${encodeURIComponent(ROW)}`, {
        headers: { cookie },
      })
    ).json()) as TriggerHistory;
    expect(history.limitEvents?.map((e) => e.outcome)).toEqual([
      "drift_cleared",
      "drift_detected",
      "drift_detected",
    ]);
  });
});
