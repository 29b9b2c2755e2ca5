import { expect, test, type Page } from "@playwright/test";
import { FIXTURE_ACCOUNTS } from "../support/fixtures";
import { simControl } from "../support/sim-client";
import { appUrl, login } from "./login";

// The desk in real Chromium against the production build and the simulator.

const ctl = () => simControl(process.env.E2E_SIM_URL!);
const main = FIXTURE_ACCOUNTS.find((a) => a.id === "bn-main")!;

function row(page: Page, accountLabel: string, scope: string) {
  return page
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: scope, exact: true }) })
    .filter({ hasText: accountLabel });
}

const resetsFor = async (scope: string) =>
  (await ctl().log({ path: "/eapi/v1/mmpReset" })).filter(
    (e) => e.body.includes(`underlying=${scope}`) || e.query.includes(`underlying=${scope}`),
  );

/** The audit page's newest `ok` row for the scope says FROZEN → ACTIVE: the state after comes
 * from the post-reset read (issue 13), which lands just after the answer, so the page is reloaded
 * until it shows. */
async function auditShowsStateAfter(page: Page, scope: string) {
  await expect(async () => {
    await page.goto(`${appUrl()}/audit?outcome=ok&scope=${encodeURIComponent(scope)}`);
    const newest = page.getByRole("table").getByRole("row").nth(1);
    await expect(newest).toContainText(scope, { timeout: 1000 });
    await expect(newest).toContainText("FROZEN → ACTIVE", { timeout: 1000 });
  }).toPass({ timeout: 10_000 });
}

test.beforeEach(async ({ page }) => {
  await ctl().restore();
  await login(page, "trader1");
});

test("the desk shows frozen rows first, with status text, countdown and n/a limits", async ({
  page,
}) => {
  await page.goto(appUrl());
  const table = page.getByRole("table");
  await expect(table).toBeVisible();
  const frozen = row(page, "Binance main", "BTCUSDT");
  await expect(frozen).toContainText("FROZEN");
  await expect(frozen).toContainText("until manual reset");
  await expect(frozen).toContainText("n/a");
  await expect(row(page, "Binance alt", "BTCUSDT")).toContainText(/\d+ min \d+ s|\d+ s/);
  await expect(row(page, "Binance main", "ETHUSDT")).toContainText("ACTIVE");
  await expect(row(page, "Binance main", "BNBUSDT")).toContainText("DISABLED");
  await expect(row(page, "Binance wrong secret", "ETHUSDT")).toContainText(/invalid signature/);
  // Frozen rows sort first.
  const statuses = await page.getByRole("row").allInnerTexts();
  const firstActive = statuses.findIndex((t) => t.includes("ACTIVE"));
  const lastFrozen = statuses.findLastIndex((t) => t.includes("FROZEN"));
  expect(lastFrozen).toBeLessThan(firstActive);
  await expect(page.getByText("DEMO MODE")).toHaveCount(0);
});

test("one click on Reset turns the frozen row ACTIVE", async ({ page }) => {
  await page.goto(appUrl());
  const target = row(page, "Binance main", "BTCUSDT");
  await expect(target).toContainText("FROZEN");
  await target.getByRole("button", { name: /Reset BTCUSDT on Binance main/ }).click();
  await expect(target).toContainText("Reset done");
  await expect(target).toContainText("ACTIVE");
  await expect(target.getByRole("button", { name: /Reset/ })).toHaveCount(0);
  expect(await resetsFor("BTCUSDT")).toHaveLength(1);
});

test("a fast double-click sends one reset", async ({ page }) => {
  await ctl().freeze(main.apiKey, "ETHUSDT");
  // A slow venue keeps the first click in flight while the second lands.
  await ctl().fault({ path: "/eapi/v1/mmpReset", kind: "latency", ms: 400 });
  await page.goto(appUrl());
  const target = row(page, "Binance main", "ETHUSDT");
  await expect(target).toContainText("FROZEN");
  await target.getByRole("button", { name: /Reset ETHUSDT/ }).dblclick();
  await expect(target).toContainText("Reset done");
  await expect(target).toContainText("ACTIVE");
  expect(await resetsFor("ETHUSDT")).toHaveLength(1);
});

test("a venue that never answers shows 'outcome unknown', not success", async ({ page }) => {
  await ctl().fault({ path: "/eapi/v1/mmpReset", kind: "hang" });
  await page.goto(appUrl());
  const target = row(page, "Binance main", "BTCUSDT");
  await target.getByRole("button", { name: /Reset BTCUSDT/ }).click();
  await expect(target).toContainText(/Resetting/);
  await expect(target).toContainText(/outcome unknown/i);
  await expect(target).toContainText("FROZEN");
  expect(await resetsFor("BTCUSDT")).toHaveLength(1);
});

test("a venue rejection shows 'failed' with the venue's reason", async ({ page }) => {
  await ctl().fault({
    path: "/eapi/v1/mmpReset",
    kind: "status",
    status: 400,
    body: JSON.stringify({ code: -6040, msg: "Invalid MMP limits." }),
  });
  await page.goto(appUrl());
  const target = row(page, "Binance main", "BTCUSDT");
  await target.getByRole("button", { name: /Reset BTCUSDT/ }).click();
  await expect(target).toContainText(/Failed/);
  await expect(target).toContainText("-6040");
});

test("a freeze at the venue shows up without a reload", async ({ page }) => {
  await page.goto(appUrl());
  const target = row(page, "Binance alt", "SOLUSDT");
  await expect(target).toContainText("ACTIVE");
  await ctl().freeze(FIXTURE_ACCOUNTS.find((a) => a.id === "bn-alt")!.apiKey, "SOLUSDT");
  await expect(target).toContainText("FROZEN");
  await expect(target.getByRole("button", { name: /Reset SOLUSDT on Binance alt/ })).toBeVisible();
});

test("filters narrow the table by status and account", async ({ page }) => {
  await page.goto(appUrl());
  await expect(row(page, "Binance main", "ETHUSDT")).toBeVisible();
  await page.getByRole("combobox", { name: "Status" }).selectOption("frozen");
  await expect(page.getByRole("row").filter({ hasText: "ACTIVE" })).toHaveCount(0);
  await expect(row(page, "Binance main", "BTCUSDT")).toBeVisible();
  // The filter is in the URL: a reload (or a shared link) keeps it.
  await expect(page).toHaveURL(/\?status=frozen$/);
  await page.reload();
  await expect(page.getByRole("combobox", { name: "Status" })).toHaveValue("frozen");
  await expect(page.getByRole("row").filter({ hasText: "ACTIVE" })).toHaveCount(0);
  await page.getByRole("combobox", { name: "Status" }).selectOption("all");
  await expect(page).toHaveURL(appUrl().replace(/\/$/, "") + "/");
  await page.getByRole("combobox", { name: "Account" }).selectOption("bn-alt");
  await expect(row(page, "Binance main", "BTCUSDT")).toHaveCount(0);
  await expect(row(page, "Binance alt", "SOLUSDT")).toBeVisible();
});

test("a Bybit row resets with one click, next to the Binance rows", async ({ page }) => {
  await page.goto(appUrl());
  await expect(row(page, "Binance main", "BTCUSDT")).toContainText("FROZEN");
  const target = row(page, "Bybit main", "BTC");
  await expect(target).toContainText("FROZEN");
  await expect(target).toContainText("500000");
  await expect(row(page, "Bybit not MM", "BTC")).toContainText("DISABLED");
  await target.getByRole("button", { name: /Reset BTC on Bybit main/ }).click();
  await expect(target).toContainText("Reset done");
  await expect(target).toContainText("ACTIVE");
  expect(await ctl().log({ path: "/v5/account/mmp-reset" })).toHaveLength(1);
  await auditShowsStateAfter(page, "BTC");
});

test("OKX and Deribit rows (incl. a Deribit MMP group) reset with one click each", async ({
  page,
}) => {
  await page.goto(appUrl());
  for (const [label, scope] of [
    ["OKX main", "BTC-USD"],
    ["Deribit main", "btc_usd"],
    ["Deribit main", "btc_usd/mm1"],
  ] as const) {
    const target = row(page, label, scope);
    await expect(target).toContainText("FROZEN");
    await target
      .getByRole("button", { name: new RegExp(`Reset ${scope.replace("/", "\\/")} on ${label}`) })
      .click();
    await expect(target).toContainText("ACTIVE");
  }
  expect(await ctl().log({ path: "/api/v5/account/mmp-reset" })).toHaveLength(1);
  expect(await ctl().log({ path: "/api/v2/private/reset_mmp" })).toHaveLength(2);
  // n/a where the venue has no such limit; Deribit's seconds shown as seconds.
  await expect(row(page, "OKX main", "ETH-USD")).toContainText("n/a");
  await expect(row(page, "Deribit main", "eth_usd")).toContainText("5 s");
  // Deribit's window is a fixed interval from the first trade, not sliding: said on its rows only.
  await expect(
    row(page, "Deribit main", "eth_usd").getByText("interval", { exact: true }),
  ).toBeVisible();
  await expect(row(page, "OKX main", "ETH-USD").getByText("interval", { exact: true })).toHaveCount(
    0,
  );
  for (const scope of ["BTC-USD", "btc_usd", "btc_usd/mm1"])
    await auditShowsStateAfter(page, scope);
});

test("keyboard: a skip link leads to the table, and focus stays on the row after a reset", async ({
  page,
}) => {
  await page.goto(appUrl());
  const target = row(page, "Binance main", "BTCUSDT");
  await expect(target).toContainText("FROZEN");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to the desk table" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("region", { name: /MMP state per account/ })).toBeFocused();
  // Into the table: three Tabs reach the first row's Reset (History, Edit limits, then Reset),
  // not a dozen. Edit limits (issue 15) comes before Reset so that both keep their place whether
  // or not the row is frozen.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toMatch(
    /^Reset /,
  );
  const reset = target.getByRole("button", { name: /Reset BTCUSDT on Binance main/ });
  await reset.focus();
  await page.keyboard.press("Enter");
  await expect(target).toContainText("Reset done");
  // The button is gone (the row is ACTIVE); focus is on the outcome beside it, not on <body>.
  await expect(target.getByRole("status")).toBeFocused();
  expect(await resetsFor("BTCUSDT")).toHaveLength(1);
});

test("an old 'Reset done' does not stay beside a row that froze again", async ({ page }) => {
  await page.goto(appUrl());
  const target = row(page, "Binance main", "BTCUSDT");
  await target.getByRole("button", { name: /Reset BTCUSDT on Binance main/ }).click();
  await expect(target).toContainText("Reset done");
  await expect(target).toContainText("ACTIVE");
  await ctl().freeze(main.apiKey, "BTCUSDT");
  await expect(target).toContainText("FROZEN");
  await expect(target).not.toContainText("Reset done");
  await expect(target.getByRole("button", { name: /Reset BTCUSDT on Binance main/ })).toBeEnabled();
});
