import { existsSync } from "node:fs";

// The browser the tests drive: Debian's Chromium (Playwright's own download is not available
// here). Its headless shell (package chromium-headless-shell, the same Blink and V8 without the
// desktop browser around them; Playwright's own default for headless runs) opens a context in
// about a third of the time and a page in half on 2 cores, so it is used where installed;
// CHROMIUM_PATH names another binary.
const CANDIDATES = ["/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium"];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? CANDIDATES.find((p) => existsSync(p)) ?? "/usr/bin/chromium";
}

/** Flags for a test machine: no sandbox (containers), no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
