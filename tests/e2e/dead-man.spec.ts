import { expect, test, type Page } from "@playwright/test";
import { simControl } from "../support/sim-client";
import { appUrl, login } from "./login";

// The dead-man switch column (issue 14), read-only, in real Chromium against the production
// build and the simulator: armed / off / not readable on the four venues, as the fixture's
// accounts have them (tests/support/fixture-accounts.json).

const ctl = () => simControl(process.env.E2E_SIM_URL!);

function deadMan(page: Page, accountLabel: string, scope: string) {
  const row = page
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: scope, exact: true }) })
    .filter({ hasText: accountLabel });
  // The column's cell: the one whose text starts with the switch's state.
  return row.getByRole("cell").filter({ hasText: /^(⚠ )?(ARMED|OFF|not readable|unknown)/ });
}

test.beforeEach(async ({ page }) => {
  await ctl().restore();
  await login(page, "viewer1");
});

test("the dead-man column shows armed, off and not readable on the four venues", async ({
  page,
}) => {
  await page.goto(appUrl());
  // Binance: per underlying; BTCUSDT's countdown is armed, ETHUSDT's is not.
  await expect(deadMan(page, "Binance main", "BTCUSDT")).toContainText("ARMED 30 s");
  await expect(deadMan(page, "Binance main", "BTCUSDT")).toContainText("underlying");
  await expect(deadMan(page, "Binance main", "ETHUSDT")).toContainText("OFF");
  // Bybit: the account's DCP for options, 10 s.
  await expect(deadMan(page, "Bybit main", "BTC")).toContainText("ARMED 10 s");
  await expect(deadMan(page, "Bybit main", "BTC")).toContainText("account");
  // Deribit: the default for new connections, off on an account that quotes: amber, with a mark.
  const deribit = deadMan(page, "Deribit main", "eth_usd");
  await expect(deribit).toContainText("⚠ OFF");
  await expect(deribit).toContainText("default for new connections");
  await expect(deribit.locator(".text-amber-300")).toHaveCount(1);
  // OKX: no read endpoint.
  await expect(deadMan(page, "OKX main", "BTC-USD")).toContainText("not readable");
  // Each read says when it was read.
  await expect(deadMan(page, "Bybit main", "BTC")).toContainText(/read \d\d:\d\d:\d\d/);
});

test("with the column, the whole desk table still fits at 1600 and 1920 px: Reset is never scrolled away", async ({
  page,
}) => {
  for (const width of [1600, 1920]) {
    await page.setViewportSize({ width, height: 1000 });
    await page.goto(appUrl());
    await expect(deadMan(page, "Bybit main", "BTC")).toContainText("ARMED");
    const table = page.locator("#desk-table");
    const { scrollWidth, clientWidth } = await table.evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth + 2);
  }
});
