import { expect, test } from "@playwright/test";
import { closeOpened, expectLive, openAs } from "./live-helpers";

// An admin ends a user's sessions from the header; the user's open wall screen loses its stream
// within seconds and goes to sign-in, instead of showing a desk that can no longer update.

test.afterEach(closeOpened);

test("Sessions → Sign out everywhere sends the user's open wall screen to sign-in", async ({
  browser,
}) => {
  const wall = await openAs(browser, "trader9", "/screen");
  await expectLive(wall);
  const admin = await openAs(browser, "admin1", "/");
  await admin.getByText("Sessions", { exact: true }).click();
  await admin.getByLabel("Username").fill("trader9");
  await admin.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(
    admin.getByRole("status").filter({ hasText: "trader9 signed out everywhere" }),
  ).toContainText("1 session ended");
  await expect(wall).toHaveURL(/\/login\?callbackUrl=%2Fscreen/, { timeout: 15_000 });
  // The admin's own session is untouched.
  await admin.reload();
  await expect(admin.getByText("Signed in as admin1")).toBeVisible();
});
