import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumPath } from "./tests/support/chromium";

// Browser tests drive Debian's Chromium (tests/support/chromium.ts) against the production build,
// started by tests/e2e/global-setup.ts together with the simulator.
export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  // In CI a browser test that fails once is run once more, and the closing summary names it as
  // flaky with the error of its failed try (scripts/summarise-tests.mjs), so it is looked into
  // rather than hidden; a test failing twice fails the run. Locally: no retry.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: process.env.E2E_APP_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromiumPath(),
      args: CHROMIUM_ARGS,
    },
  },
});
