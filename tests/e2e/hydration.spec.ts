import { expect, test, type Page } from "@playwright/test";
import { passwordOf } from "../support/fixtures";
import { appUrl, login } from "./login";

// Until the page's script has run, buttons rendered on the server have no handler: a click on
// one is lost without a word, and a form is sent by the browser itself (as a GET, fields in the
// URL). Here the script is held back, as on a slow link, to see what a quick user meets.

/** Holds every script chunk (not the stylesheets: inline scripts wait for those) until release. */
async function holdScripts(page: Page): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/chunks/*.js", async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

test("desk buttons wait for the page's script: a click right after load opens the dialog", async ({
  page,
}) => {
  await login(page, "admin1");
  const release = await holdScripts(page);
  await page.goto(appUrl(), { waitUntil: "domcontentloaded" });
  const row = page
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: "ETH", exact: true }) })
    .filter({ hasText: "Bybit main" });
  const edit = row.getByRole("button", { name: "Edit limits", exact: true });
  await expect(edit).toBeDisabled();
  await expect(row.getByRole("button", { name: "History ETH on Bybit main" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Arm sound" })).toBeDisabled();

  release();
  await edit.click();
  await expect(page.getByRole("dialog", { name: "Edit limits: ETH on Bybit main" })).toBeVisible();
});

test("the sign-in form cannot be sent before its script runs, so the password never lands in a URL", async ({
  page,
}) => {
  const release = await holdScripts(page);
  const urls: string[] = [];
  page.on("request", (r) => urls.push(r.url()));
  await page.goto(`${appUrl()}/login?callbackUrl=%2F`, { waitUntil: "domcontentloaded" });
  await page.getByLabel("Username").fill("admin1");
  await page.getByLabel("Password").fill(passwordOf("admin1"));
  const signIn = page.getByRole("button", { name: "Sign in", exact: true });
  await expect(signIn).toBeDisabled();
  await page.getByLabel("Password").press("Enter");

  release();
  await signIn.click();
  await expect(page.getByText("Signed in as admin1")).toBeVisible();
  expect(urls.filter((u) => u.includes(encodeURIComponent(passwordOf("admin1"))))).toEqual([]);
  expect(urls.filter((u) => u.includes("password="))).toEqual([]);
});
