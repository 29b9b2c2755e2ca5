import { expect, test } from "@playwright/test";
import type { DeskSnapshot, MmpRow } from "../../lib/model/types";
import { appUrl, login } from "./login";

// A desk of 1,000 rows keeps only the rows in and near its view in the page, and every row can
// still be scrolled to. The rows come from the page's own poll of GET /api/mmp, answered here
// (the live stream is refused, so the page polls), the way a large firm's desk would send them.

const ACCOUNTS = 50;
const SCOPES = 20;

function bigSnapshot(): DeskSnapshot {
  const now = Date.now();
  const rows: MmpRow[] = [];
  for (let a = 0; a < ACCOUNTS; a++)
    for (let s = 0; s < SCOPES; s++) {
      const accountId = `big-${String(a).padStart(2, "0")}`;
      const scope = `B${String(a).padStart(2, "0")}S${String(s).padStart(2, "0")}USDT`;
      rows.push({
        id: `${accountId}/${scope}`,
        accountId,
        accountLabel: `Big ${a}`,
        venue: "binance",
        scope,
        status: "active",
        frozenUntil: null,
        windowMs: 5000,
        frozenPeriodMs: 60_000,
        qtyLimit: "100",
        deltaLimit: null,
        vegaLimit: null,
        lastTriggerAt: null,
        fetchedAt: now,
        problem: null,
      });
    }
  return { serverTime: now, demo: false, rows, pollIntervalMs: 1000, staleAfterMs: 30_000 };
}

test("a 1,000-row desk draws only the rows near its view, and scrolls to every row", async ({
  page,
}) => {
  await page.route("**/api/stream", (route) => route.abort());
  await page.route("**/api/mmp", (route) => route.fulfill({ json: bigSnapshot() }));
  await login(page, "viewer1");
  await page.goto(`${appUrl()}/`);
  await expect(
    page.getByText(`${ACCOUNTS * SCOPES} of ${ACCOUNTS * SCOPES} rows shown`),
  ).toBeVisible({
    timeout: 15_000,
  });
  const table = page.locator("#desk-table");
  const drawn = () => table.locator("tbody tr:not([aria-hidden])").count();
  // Until the virtualiser's script has loaded (it loads with the first long desk), the first 150
  // rows are drawn; then only those near the view.
  await expect.poll(drawn).toBeLessThan(100);
  // The first rows (sorted by account label, then scope) are there, the last are not yet.
  await expect(page.getByRole("rowheader", { name: "B00S00USDT", exact: true })).toBeVisible();
  await expect(page.getByRole("rowheader", { name: "B49S19USDT", exact: true })).toHaveCount(0);
  // The scroll height is the whole table's: scrolled to the end, the last row is drawn and seen.
  await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.getByRole("rowheader", { name: "B49S19USDT", exact: true })).toBeVisible();
  await expect(page.getByRole("rowheader", { name: "B00S00USDT", exact: true })).toHaveCount(0);
  expect(await drawn()).toBeLessThan(100);
});
