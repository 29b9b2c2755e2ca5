import { expect, type Page } from "@playwright/test";
import { passwordOf } from "../support/fixtures";

export const appUrl = () => process.env.E2E_APP_URL!;

/** Signs in through the real login form, as a person would. */
export async function login(page: Page, username: string, path = "/"): Promise<void> {
  await page.goto(`${appUrl()}/login?callbackUrl=${encodeURIComponent(path)}`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(passwordOf(username));
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText(`Signed in as ${username}`)).toBeVisible();
}
