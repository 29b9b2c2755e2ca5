import { expect, test } from "@playwright/test";
import { FIXTURE_ACCOUNTS } from "../support/fixtures";
import { appUrl } from "./login";
import { closeOpened, ctl, expectLive, markPage, openAs, screenRow } from "./live-helpers";

// The wall screen (/screen): read-only for every role, loud about stale data, recovers alone.

test.beforeEach(async () => {
  await ctl().clearFaults();
  await ctl().restore();
});

test.afterEach(async () => {
  await ctl().clearFaults();
  await closeOpened();
});

for (const user of ["screen1", "trader1", "admin1"]) {
  test(`the wall screen has no reset control for ${user}`, async ({ browser }) => {
    const wall = await openAs(browser, user, "/screen");
    await expect(wall.getByRole("heading", { name: /MMP wall screen/ })).toBeVisible();
    const frozen = screenRow(wall, "Binance main", "BTCUSDT");
    await expect(frozen).toContainText("FROZEN");
    await expect(frozen).toContainText("until manual reset");
    // Frozen rows come first.
    await expect(wall.getByRole("listitem").first()).toContainText("FROZEN");
    await expect(wall.getByRole("button", { name: /reset/i })).toHaveCount(0);
    await expect(wall.getByText(/^Reset$/)).toHaveCount(0);
    await expect(wall.getByText(`Signed in as ${user}`)).toBeVisible();
  });
}

test("a screen account's session cannot reset through the API either (403)", async ({
  browser,
}) => {
  const wall = await openAs(browser, "screen1", "/screen");
  await ctl().clearLog();
  const res = await wall.request.post(`${appUrl()}/api/mmp/reset`, {
    headers: { Origin: appUrl(), "Content-Type": "application/json" },
    data: { accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: "e2e-screen-reset-0001" },
  });
  expect(res.status()).toBe(403);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  expect(await ctl().log({ path: "/eapi/v1/mmpReset" })).toHaveLength(0);
});

test("sound is off until armed with one click", async ({ browser }) => {
  const wall = await openAs(browser, "screen1", "/screen");
  await expect(wall.getByText("Sound off")).toBeVisible();
  await wall.getByRole("button", { name: "Arm sound" }).click();
  await expect(wall.getByText("Sound on")).toBeVisible();
  await expect(wall.getByText("Sound off")).toHaveCount(0);
  await expect(wall.getByRole("button", { name: "Mute" })).toBeVisible();
});

test("the wall shows a UTC clock, the last update, and whether it keeps the display awake", async ({
  browser,
}) => {
  const wall = await openAs(browser, "screen1", "/screen");
  await expectLive(wall);
  await expect(wall.getByText(/Last update \d\d:\d\d:\d\d UTC/)).toBeVisible();
  await expect(wall.getByText(/^\d\d:\d\d:\d\d$/)).toBeVisible();
  await expect(wall.getByText(/Screen kept awake|screen may sleep/)).toBeVisible();
});

test("after a network loss the wall says so, then recovers by itself without a reload", async ({
  browser,
}) => {
  const wall = await openAs(browser, "screen1", "/screen");
  await expectLive(wall);
  const unreloaded = await markPage(wall);
  // Chromium's offline emulation fails new requests but leaves an open event stream running, so
  // the dropped connection is delivered by hand, as the browser reports it: an "error" event on
  // the EventSource (found through the page-level hook installed by openAs).
  await wall.context().setOffline(true);
  await wall.evaluate(() => {
    for (const es of window.__e2eEventSources ?? []) es.dispatchEvent(new Event("error"));
  });
  const lost = wall.getByRole("alert").filter({ hasText: /Live updates lost — reconnecting/ });
  await expect(lost).toBeVisible({ timeout: 15_000 });
  await expect(wall.getByText(/Updates: (RECONNECTING|POLLING)/)).toBeVisible();

  await wall.context().setOffline(false);
  await expectLive(wall);
  await expect(lost).toHaveCount(0);
  await unreloaded();
});

test("an outage: the wall keeps the frozen rows as FROZEN? with their age, counts them, and says the data is stale", async ({
  browser,
}) => {
  const wall = await openAs(browser, "screen1", "/screen");
  await expectLive(wall);
  const frozen = screenRow(wall, "Binance main", "BTCUSDT");
  await expect(frozen).toContainText("FROZEN");
  // Every venue stops answering: the stream stays up, the data goes stale (3 s in the test app).
  await ctl().fault({ kind: "status", status: 503, times: 0 });
  await expect(frozen).toContainText("FROZEN?", { timeout: 15_000 });
  await expect(frozen).toContainText(/last seen \d\d:\d\d:\d\d · \d+ s ago/);
  const counters = wall.getByLabel("Rows by status");
  await expect(counters).toContainText(/\d+ FROZEN \(stale\)/);
  await expect(counters).not.toContainText(/(^|\s)0 FROZEN/);
  await expect(wall.getByText(/Updates: STALE DATA/)).toBeVisible();
  // The stale warning is shown in full, never folded into "… and N more warnings".
  await expect(wall.locator('[data-warning="stale"]')).toBeVisible();

  await ctl().clearFaults();
  await expect(frozen).not.toContainText("FROZEN?", { timeout: 15_000 });
  await expect(frozen).toContainText("FROZEN");
  await expect(wall.getByText(/Updates: LIVE/)).toBeVisible();
});

test("a freeze alert leaves the alert area when the freeze ends", async ({ browser }) => {
  const wall = await openAs(browser, "screen1", "/screen");
  await expectLive(wall);
  const apiKey = FIXTURE_ACCOUNTS.find((a) => a.id === "bn-alt")!.apiKey;
  // An 8 s frozen period instead of the fixture's 30 s, so the test waits for the end of a freeze,
  // not for half a minute (no desired limits on this row: no drift; beforeEach restores it).
  await ctl().setScope({ apiKey, scope: "SOLUSDT", frozenPeriodMs: 8_000 });
  await ctl().freeze(apiKey, "SOLUSDT");
  // This freeze's alert, newest or among the earlier ones: others may be up too (the
  // simulator's restore re-freezes rows, and a wall that opened before the desk read them alerts
  // on them as well).
  const alert = wall
    .getByRole("region", { name: "Freeze alerts" })
    .getByText(/FROZEN: SOLUSDT on Binance alt/);
  await expect(alert).toHaveCount(1);
  // The venue reports it ACTIVE again once the 8 s are over.
  await expect(alert).toHaveCount(0, { timeout: 20_000 });
  await expect(wall.getByText(/Ended: .*SOLUSDT on Binance alt/)).toBeVisible();
});

for (const [width, height] of [
  [1920, 1080],
  [3840, 2160],
] as const) {
  test(`at ${width}×${height} the wall fits without scrolling, rows at 40 px or more, names whole, frozen rows all shown`, async ({
    browser,
  }) => {
    const wall = await openAs(browser, "screen1", "/screen");
    await wall.setViewportSize({ width, height });
    await expectLive(wall);
    const rows = wall.getByRole("list", { name: "MMP state, frozen first" }).getByRole("listitem");
    await expect(rows.first()).toContainText("FROZEN");
    // Let the capacity settle after the resize.
    await expect
      .poll(() => wall.evaluate(() => document.documentElement.scrollHeight))
      .toBeLessThanOrEqual(height);
    const m = await wall.evaluate(() => {
      const items = [...document.querySelectorAll('ul[aria-label="MMP state, frozen first"] > li')];
      const sizes = items.flatMap((li) =>
        [...li.querySelectorAll("span, time")]
          .filter((el) => (el.textContent ?? "").trim() !== "")
          .map((el) => parseFloat(getComputedStyle(el).fontSize)),
      );
      const truncated = items
        .flatMap((li) => [...li.querySelectorAll("span.truncate")])
        .filter((el) => el.scrollWidth > el.clientWidth).length;
      const footer = document.querySelector("footer")!.getBoundingClientRect();
      return {
        scrollH: document.documentElement.scrollHeight,
        scrollW: document.documentElement.scrollWidth,
        minFont: Math.min(...sizes),
        truncated,
        footerBottom: footer.bottom,
        frozenShown: items.filter((li) => /FROZEN/.test(li.textContent ?? "")).length,
      };
    });
    expect(m.scrollH).toBeLessThanOrEqual(height);
    expect(m.scrollW).toBeLessThanOrEqual(width);
    expect(m.footerBottom).toBeLessThanOrEqual(height);
    expect(m.minFont).toBeGreaterThanOrEqual(40);
    expect(m.truncated).toBe(0);
    // Every frozen row is on screen; what did not fit is counted ("+N ACTIVE").
    const counted = Number(
      /(\d+) FROZEN/.exec(await wall.getByLabel("Rows by status").innerText())![1],
    );
    expect(m.frozenShown).toBeGreaterThanOrEqual(counted);
  });
}

test("every frozen row says since when, on the wall and on the desk, on every venue", async ({
  browser,
}) => {
  for (const [user, path] of [
    ["screen1", "/screen"],
    ["viewer1", "/"],
  ] as const) {
    const page = await openAs(browser, user, path);
    await expectLive(page);
    const frozen =
      path === "/screen"
        ? page.getByRole("list", { name: "MMP state, frozen first" }).getByRole("listitem")
        : page.getByRole("row");
    const rows = frozen.filter({ hasText: /FROZEN/ });
    await expect(rows.first()).toBeVisible();
    const texts = await rows.allInnerTexts();
    for (const venue of ["Binance", "Bybit", "Deribit", "OKX"])
      expect(
        texts.some((t) => t.includes(venue)),
        `${path}: a frozen ${venue} row`,
      ).toBe(true);
    for (const t of texts)
      expect(t, `${path}: ${t}`).toMatch(/(since|seen frozen) \d\d:\d\d:\d\d · \d/);
  }
});
