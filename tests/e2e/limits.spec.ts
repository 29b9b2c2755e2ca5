import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import type { LimitChangeView } from "@/lib/model/limit-change";
import { simControl } from "../support/sim-client";
import { appUrl, login } from "./login";

// MMP limit changes under four eyes (issue 15) in real Chromium: "Edit limits" on the desk, the
// Approvals page, the simulator's log as the proof of what reached a venue, and the audit trail.

const ctl = () => simControl(process.env.E2E_SIM_URL!);

function deskRow(page: Page, accountLabel: string, scope: string): Locator {
  return page
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: scope, exact: true }) })
    .filter({ hasText: accountLabel });
}

/** A desk row's cell under the column so named (found by header, so new columns do not matter). */
async function deskCell(page: Page, row: Locator, column: string): Promise<Locator> {
  const headers = await page.getByRole("table").getByRole("columnheader").allInnerTexts();
  const index = headers.findIndex((h) => h.trim() === column);
  expect(index, `desk column ${column}`).toBeGreaterThanOrEqual(0);
  return row.locator("td, th").nth(index);
}

async function openEditor(page: Page, accountLabel: string, scope: string): Promise<Locator> {
  await page.goto(appUrl());
  await deskRow(page, accountLabel, scope)
    .getByRole("button", { name: "Edit limits", exact: true })
    .click();
  const dialog = page.getByRole("dialog", { name: `Edit limits: ${scope} on ${accountLabel}` });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Clicks "Request change" and returns the server's answer (the pending change). */
async function requestChange(page: Page, dialog: Locator): Promise<LimitChangeView> {
  const answer = page.waitForResponse(
    (r) => r.url().endsWith("/api/limits/requests") && r.request().method() === "POST",
  );
  await dialog.getByRole("button", { name: "Request change", exact: true }).click();
  const res = await answer;
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as LimitChangeView;
}

const approvalRow = (page: Page, change: LimitChangeView) =>
  page.getByRole("row").filter({ hasText: `#${change.id.slice(0, 8)}` });

async function signedIn(browser: Browser, username: string, path: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, username, path);
  return { page, close: () => context.close() };
}

interface VenueCase {
  name: string;
  accountId: string;
  accountLabel: string;
  scope: string;
  /** The set call as the simulator logs it. */
  setCall: { path: string; method?: string };
  qtyBefore: string;
  qtyAfter: string;
  /** Anything else the venue needs before a request can go (the max quote quantity). */
  prepare?: (dialog: Locator) => Promise<void>;
  /** How often the desk reads this venue's configuration, where not at every poll. */
  configReadMs?: number;
  /** Effects the form must show before the request. */
  notes?: RegExp[];
}

const CASES: VenueCase[] = [
  {
    name: "Binance",
    accountId: "bn-main",
    accountLabel: "Binance main",
    scope: "ETHUSDT",
    setCall: { path: "/eapi/v1/mmpSet" },
    qtyBefore: "250",
    qtyAfter: "263",
  },
  {
    name: "Bybit",
    accountId: "bb-main",
    accountLabel: "Bybit main",
    scope: "ETH",
    setCall: { path: "/v5/account/mmp-modify" },
    qtyBefore: "300",
    qtyAfter: "313",
  },
  {
    name: "OKX",
    accountId: "okx-main",
    accountLabel: "OKX main",
    scope: "ETH-USD",
    setCall: { path: "/api/v5/account/mmp-config", method: "POST" },
    qtyBefore: "500",
    qtyAfter: "513",
  },
  {
    name: "Deribit",
    accountId: "deribit-main",
    accountLabel: "Deribit main",
    scope: "eth_usd",
    setCall: { path: "/api/v2/private/set_mmp_config" },
    qtyBefore: "200",
    qtyAfter: "213",
    prepare: async (dialog) => {
      // Not on the desk's row: the form starts from the venue's value (a fresh read when the
      // dialog opens), and the venue requires it.
      const mqq = dialog.getByLabel("Max quote quantity", { exact: true });
      await expect(mqq).toHaveValue("200");
      await mqq.fill("");
      await expect(mqq).toHaveAccessibleDescription(/Max quote quantity is required/);
      await expect(dialog.getByRole("button", { name: "Request change" })).toBeDisabled();
      await mqq.fill("50");
      await expect(dialog.getByLabel("Interval", { exact: true })).toHaveValue("5");
    },
    notes: [/triggers an MMP reset/, /reserves initial margin of 1\.5 contracts/],
    configReadMs: 30_000,
  },
];

const setCalls = (c: VenueCase) => ctl().log(c.setCall);

test.beforeEach(async () => {
  await ctl().restore();
});

for (const c of CASES) {
  test(`${c.name}: a limit change is requested by one admin, approved by another, sent once and verified`, async ({
    page,
    browser,
  }) => {
    await login(page, "admin1");
    const dialog = await openEditor(page, c.accountLabel, c.scope);
    const qty = dialog.getByLabel("Qty limit", { exact: true });
    await expect(qty).toHaveValue(c.qtyBefore);
    await expect(dialog.getByLabel("Frozen period", { exact: true })).toBeVisible();
    await qty.fill(c.qtyAfter);
    await c.prepare?.(dialog);
    await expect(dialog).toContainText(
      new RegExp(`Qty limit\\s*${c.qtyBefore}(\\.0+)? → ${c.qtyAfter}`),
    );
    for (const note of c.notes ?? []) await expect(dialog).toContainText(note);
    const change = await requestChange(page, dialog);
    expect(change.status).toBe("pending");
    await expect(dialog.getByRole("status")).toContainText("waiting for another person's approval");
    await dialog.getByRole("button", { name: "Close" }).click();

    // The requester cannot approve: the server refuses, and nothing reaches the venue.
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Approvals" })
      .click();
    const own = approvalRow(page, change);
    await expect(own).toContainText("pending");
    await expect(own).toContainText(new RegExp(`Qty limit ${c.qtyBefore}(\\.0+)? → ${c.qtyAfter}`));
    await own.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(own.getByRole("alert")).toContainText(
      "a change needs another person's approval: you requested this one",
    );
    await expect(own).toContainText("pending");
    expect(await setCalls(c)).toHaveLength(0);

    // The second pair of eyes.
    const admin2 = await signedIn(browser, "admin2", "/approvals");
    try {
      const theirs = approvalRow(admin2.page, change);
      await expect(theirs).toContainText(`→ ${c.qtyAfter}`);
      await theirs.getByRole("button", { name: "Approve", exact: true }).click();
      await expect(theirs).toContainText("The venue shows the requested values.");
      await expect(theirs).not.toContainText("unverified");
      await expect(theirs).toContainText(`Venue now: Qty limit ${c.qtyAfter}`);
      await expect(theirs).toContainText("Approved by admin2");
    } finally {
      await admin2.close();
    }
    expect(await setCalls(c)).toHaveLength(1);

    // The requester's list shows it too, at its next poll.
    await expect(own).toContainText("The venue shows the requested values.");
    await expect(own.getByRole("button", { name: "Approve" })).toHaveCount(0);

    // The desk's next read of the venue shows the new limit.
    await page.goto(appUrl());
    const cell = await deskCell(page, deskRow(page, c.accountLabel, c.scope), "Qty limit");
    await expect(cell).toHaveText(new RegExp(`^${c.qtyAfter}(\\.0+)?$`));

    // Every step is in the audit trail, each naming the change.
    await page.goto(
      `${appUrl()}/audit?account=${encodeURIComponent(c.accountId)}&scope=${encodeURIComponent(c.scope)}`,
    );
    const steps = page.getByRole("table").getByRole("row").filter({ hasText: change.id });
    for (const outcome of ["proposed", "approved", "sent", "verified"]) {
      await expect(
        steps.filter({ has: page.getByRole("cell", { name: outcome, exact: true }) }),
        outcome,
      ).toHaveCount(1);
    }
    expect(await setCalls(c)).toHaveLength(1);

    // The verified values are the row's desired state now. Put back behind the desk's back (the
    // simulator's start state), the old limit is drift on the desk and on the wall. Not on
    // Deribit here: its configuration is read every 30 s (it spends quoting credits), and the
    // drift itself is the same code (tests/integration/drift.test.ts).
    if (c.configReadMs) return;
    await ctl().restore();
    await page.goto(appUrl());
    await expect(deskRow(page, c.accountLabel, c.scope)).toContainText(
      new RegExp(`Drift: Qty limit ${c.qtyBefore}(\\.0+)? \\(desired ${c.qtyAfter}\\)`),
    );
    await page.goto(`${appUrl()}/screen`);
    await expect(
      page.getByRole("listitem").filter({ hasText: c.scope }).filter({ hasText: c.accountLabel }),
    ).toContainText("DRIFT: Qty limit");
  });
}

test("a viewer and a screen account get no Edit limits, no Approvals, and the API refuses them", async ({
  page,
  browser,
}) => {
  const post = (p: Page) =>
    p.evaluate(async () => {
      const res = await fetch("/api/limits/requests", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          accountId: "bn-main",
          scope: "ETHUSDT",
          after: {
            windowMs: 5000,
            frozenPeriodMs: 60000,
            qtyLimit: "1",
            deltaLimit: "80",
            vegaLimit: null,
            maxQuoteQty: null,
          },
          idempotencyKey: crypto.randomUUID(),
        }),
      });
      const body = (await res.json()) as { error?: { code: string } };
      return { status: res.status, code: body.error?.code };
    });

  await login(page, "viewer1");
  await expect(deskRow(page, "Binance main", "ETHUSDT")).toContainText("ACTIVE");
  await expect(page.getByRole("button", { name: "Edit limits" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Approvals" })).toHaveCount(0);
  expect(await post(page)).toEqual({ status: 403, code: "forbidden" });
  await page.goto(`${appUrl()}/approvals`);
  await expect(page).toHaveURL(appUrl().replace(/\/$/, "") + "/");

  const screen = await signedIn(browser, "screen1", "/");
  try {
    await expect(screen.page).toHaveURL(/\/screen$/);
    await expect(screen.page.getByText("FROZEN").first()).toBeVisible();
    await expect(screen.page.getByRole("button", { name: "Edit limits" })).toHaveCount(0);
    expect(await post(screen.page)).toEqual({ status: 403, code: "forbidden" });
  } finally {
    await screen.close();
  }
  expect(await ctl().log({ path: "/eapi/v1/mmpSet" })).toHaveLength(0);
});

test("a trader may request changes but sees no Approve", async ({ page }) => {
  await login(page, "trader2");
  await expect(
    deskRow(page, "Binance main", "ETHUSDT").getByRole("button", { name: "Edit limits" }),
  ).toBeVisible();
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Approvals" })
    .click();
  await expect(page.getByRole("heading", { name: "Limit changes" })).toBeVisible();
  await expect(page.getByRole("table")).toBeVisible();
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Reject" })).toHaveCount(0);
});

test("out-of-range values are marked at the field, and the firm's bound comes back named", async ({
  page,
}) => {
  await login(page, "admin1");
  const dialog = await openEditor(page, "Binance alt", "SOLUSDT");
  const request = dialog.getByRole("button", { name: "Request change", exact: true });
  // Unchanged values: nothing to request.
  await expect(request).toBeDisabled();

  const windowField = dialog.getByLabel("Window", { exact: true });
  await expect(windowField).toHaveValue("2000");
  await windowField.fill("6000");
  await expect(windowField).toHaveAttribute("aria-invalid", "true");
  await expect(windowField).toHaveAccessibleDescription(/Window must be between 1 and 5000 ms/);
  await expect(request).toBeDisabled();
  await windowField.fill("2000");
  await expect(windowField).toHaveAttribute("aria-invalid", "false");

  const qty = dialog.getByLabel("Qty limit", { exact: true });
  await qty.fill("1.123456789");
  await expect(qty).toHaveAccessibleDescription(/Qty limit takes at most 8 decimals/);
  await expect(request).toBeDisabled();

  // Within the venue's range, above the firm's policy (tests/e2e/global-setup.ts): only the
  // server knows that bound, and its refusal says which.
  await qty.fill("2000");
  await expect(dialog).toContainText("Qty limit 900 → 2000");
  await request.click();
  await expect(dialog.getByRole("alert")).toContainText(
    "Qty limit 2000 is above the firm's maximum 1000 (the policy for bn-alt/SOLUSDT)",
  );
  await expect(dialog.getByRole("status")).not.toContainText("waiting");
  expect(await ctl().log({ path: "/eapi/v1/mmpSet" })).toHaveLength(0);
});

test("a change that switches MMP off needs the Switch MMP off box ticked", async ({ page }) => {
  await login(page, "admin1");
  const dialog = await openEditor(page, "OKX main", "BTC-USD");
  const request = dialog.getByRole("button", { name: "Request change", exact: true });
  await dialog.getByLabel("Window", { exact: true }).fill("0");
  await expect(dialog).toContainText("switches MMP off");
  const confirm = dialog.getByRole("checkbox", { name: "Switch MMP off" });
  await expect(confirm).not.toBeChecked();
  await expect(request).toBeDisabled();
  await confirm.check();
  await expect(request).toBeEnabled();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
});
