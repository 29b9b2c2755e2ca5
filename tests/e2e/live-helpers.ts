import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { simControl } from "../support/sim-client";
import { appUrl, login } from "./login";

// Shared by live.spec.ts and screen.spec.ts: several signed-in people, each in their own browser
// context (own cookies), looking at the desk or the wall screen at the same time.

export const ctl = () => simControl(process.env.E2E_SIM_URL!);

/** The poll interval the app under test runs with (tests/support/app-server.ts). */
export const POLL_MS = 1_000;

declare global {
  interface Window {
    __e2eEventSources?: EventSource[];
  }
}

const opened: BrowserContext[] = [];

/** Closes every context openAs opened (call from afterEach). */
export async function closeOpened(): Promise<void> {
  await Promise.all(opened.splice(0).map((c) => c.close()));
}

/** Signs `user` in, in a fresh browser context of its own, and opens `path` at 1920×1080. */
export async function openAs(
  browser: Browser,
  user: string,
  path: "/" | "/screen",
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  opened.push(context);
  await prepare?.(context);
  // Lets a test reach the page's EventSource (to simulate a dropped connection).
  await context.addInitScript(() => {
    const Original = window.EventSource;
    const all: EventSource[] = [];
    window.__e2eEventSources = all;
    window.EventSource = class extends Original {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        all.push(this);
      }
    };
  });
  const page = await context.newPage();
  await login(page, user, path);
  if (new URL(page.url()).pathname !== path) await page.goto(`${appUrl()}${path}`);
  return page;
}

/** Waits until the page receives the push stream (not the polling fallback). */
export async function expectLive(page: Page): Promise<void> {
  await expect(page.getByText("Updates: LIVE")).toBeVisible({ timeout: 15_000 });
}

export function deskRow(page: Page, accountLabel: string, scope: string) {
  return page
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: scope, exact: true }) })
    .filter({ hasText: accountLabel });
}

export function screenRow(page: Page, accountLabel: string, scope: string) {
  return page
    .getByRole("list", { name: "MMP state, frozen first" })
    .getByRole("listitem")
    .filter({ hasText: new RegExp(`\\b${scope}\\b`) })
    .filter({ hasText: accountLabel });
}

/** Marks the document, so a later check proves the page was not reloaded in between. */
export async function markPage(page: Page): Promise<() => Promise<void>> {
  await page.evaluate(() => document.documentElement.setAttribute("data-e2e-mark", "1"));
  return async () =>
    expect(page.locator("html")).toHaveAttribute("data-e2e-mark", "1", { timeout: 1 });
}
