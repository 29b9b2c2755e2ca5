import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { simControl } from "../support/sim-client";
import { appUrl, login } from "./login";

// What each role sees and may do, in the browser.

const ctl = () => simControl(process.env.E2E_SIM_URL!);
const frozenRow = (page: import("@playwright/test").Page) =>
  page
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: "BTCUSDT", exact: true }) })
    .filter({ hasText: "Binance main" });

test.beforeEach(async () => {
  await ctl().restore();
});

test("a viewer sees the desk and the audit trail, but no Reset", async ({ page }) => {
  await login(page, "viewer1");
  await expect(frozenRow(page)).toContainText("FROZEN");
  await expect(page.getByRole("button", { name: /^Reset/ })).toHaveCount(0);
  await page.getByRole("link", { name: "Audit" }).click();
  await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
});

test("a screen account lands on the wall after sign-in, without Reset, and cannot open the audit trail", async ({
  page,
}) => {
  await login(page, "screen1");
  await expect(page).toHaveURL(/\/screen$/);
  await expect(page.getByText("FROZEN").first()).toBeVisible();
  await expect(page.getByRole("button", { name: /^Reset/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Audit" })).toHaveCount(0);
  await page.goto(`${appUrl()}/audit`);
  await expect(page.getByRole("heading", { name: "Audit trail" })).toHaveCount(0);
});

test("an admin can reset and sees the audit link", async ({ page }) => {
  await login(page, "admin1");
  await expect(frozenRow(page).getByRole("button", { name: /Reset BTCUSDT/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "Audit" })).toBeVisible();
});

test("a trader resets, then finds the reset in the audit trail and in the CSV export", async ({
  page,
}) => {
  await login(page, "trader3");
  await frozenRow(page)
    .getByRole("button", { name: /Reset BTCUSDT/ })
    .click();
  await expect(frozenRow(page)).toContainText("ACTIVE");
  await page.getByRole("link", { name: "Audit" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "Integrity check passed" }),
  ).toBeVisible();
  await page.getByLabel("User").fill("trader3");
  await page.getByRole("button", { name: "Filter" }).click();
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows.filter({ hasText: "ok" }).filter({ hasText: "BTCUSDT" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "requested" }).filter({ hasText: "BTCUSDT" })).toHaveCount(1);
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await (await downloading).path();
  const csv = readFileSync(file, "utf8").split("\r\n");
  expect(csv[0]).toContain("prev_hash,hash");
  const ok = csv.filter((l) => l.includes(",trader3,trader,mmp.reset,ok,binance,bn-main,BTCUSDT,"));
  expect(ok).toHaveLength(1);
  expect(ok[0]).toMatch(/[0-9a-f]{64},[0-9a-f]{64}$/);
});

test("sign-out ends the session", async ({ page }) => {
  await login(page, "viewer1");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(`${appUrl()}/`);
  await expect(page).toHaveURL(/\/login/);
});

test("the login page refuses to send you to another site after sign-in", async ({ page }) => {
  await login(page, "viewer1", "//evil.example/steal");
  expect(new URL(page.url()).origin).toBe(appUrl());
});
