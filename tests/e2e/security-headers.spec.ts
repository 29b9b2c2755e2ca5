import { expect, test, type Page } from "@playwright/test";
import { login } from "./login";

// Issue 12, point 8: the Content-Security-Policy (a script nonce per response, proxy.ts) and the
// Permissions-Policy (next.config.js) must not cost the pages anything. Each page is signed in
// to, rendered, hydrated and used with the headers on, and the browser reports no violation.

function violations(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (msg) => {
    const text = msg.text();
    if (/Content Security Policy|Permissions[- ]Policy|Refused to/i.test(text)) seen.push(text);
  });
  return seen;
}

test("desk, audit and wall run with the CSP and Permissions-Policy, no violation reported", async ({
  page,
}) => {
  const seen = violations(page);
  // Signing in is the login form's script at work (without it the form would not sign in).
  await login(page, "trader1");
  await expect(page.getByRole("rowheader", { name: "BTCUSDT", exact: true }).first()).toBeVisible();
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
  await page.goto("/screen");
  await expect(page.getByRole("heading", { name: /MMP wall screen/ })).toBeVisible();
  // The wall keeps the display awake: allowed for this origin by the Permissions-Policy.
  const wakeLock = await page.evaluate(() =>
    "featurePolicy" in document
      ? (
          document as unknown as { featurePolicy: { allowsFeature(f: string): boolean } }
        ).featurePolicy.allowsFeature("screen-wake-lock")
      : true,
  );
  expect(wakeLock).toBe(true);
  const camera = await page.evaluate(() =>
    "featurePolicy" in document
      ? (
          document as unknown as { featurePolicy: { allowsFeature(f: string): boolean } }
        ).featurePolicy.allowsFeature("camera")
      : false,
  );
  expect(camera).toBe(false);
  expect(seen).toEqual([]);
});

test("markup injected into a page cannot run script (inline handlers are refused)", async ({
  page,
}) => {
  const seen = violations(page);
  await login(page, "viewer1");
  // What an HTML injection looks like: markup with an inline event handler. (A script the page's
  // own code creates is trusted by 'strict-dynamic', as it should be: that is the app itself.)
  const ran = await page.evaluate(async () => {
    const w = window as unknown as { injected?: boolean };
    const div = document.createElement("div");
    div.innerHTML =
      '<img src="data:," onerror="window.injected = true" onload="window.injected = true">';
    document.body.appendChild(div);
    await new Promise((r) => setTimeout(r, 300));
    return w.injected === true;
  });
  expect(ran).toBe(false);
  expect(seen.some((t) => /Content Security Policy/.test(t))).toBe(true);
});
