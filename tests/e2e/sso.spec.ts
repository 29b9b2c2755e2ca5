import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { freePort, startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { startTestIdp, type IdpUser, type TestIdp } from "../support/oidc-idp";
import { simControl } from "../support/sim-client";

// Single sign-on end to end: a real OpenID Connect provider in this process (tests/support/
// oidc-idp.ts) and an app of its own started with MMP_OIDC_* pointing at it. People sign in
// through the browser — the desk's "Sign in with …" button, the IdP's page, back to the desk — and
// the role comes from the `groups` claim of the IdP's ID token through MMP_OIDC_ROLE_MAP.

const ROLE_MAP = { "risk-traders": "trader", "risk-viewers": "viewer" };
const USERS: IdpUser[] = [
  { username: "dana", password: "idp-pw-dana", groups: ["staff", "risk-traders"] },
  { username: "erin", password: "idp-pw-erin", groups: ["staff", "marketing"] },
  // Named like the app's configured password admin (tests/support/fixtures.ts), in a viewer group.
  { username: "admin1", password: "idp-pw-admin1", groups: ["risk-viewers"] },
];

let app: AppUnderTest;
let idp: TestIdp;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // The app needs the issuer's address at start and the IdP the app's callback: the IdP's port is
  // taken first, the IdP itself started once the app's address is known (discovery is lazy).
  const idpPort = await freePort();
  const client = { clientId: "mmp-desk", clientSecret: `test-only-${randomUUID()}` };
  app = await startAppUnderTest({
    env: {
      MMP_OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
      MMP_OIDC_CLIENT_ID: client.clientId,
      MMP_OIDC_CLIENT_SECRET: client.clientSecret,
      MMP_OIDC_NAME: "Test IdP",
      MMP_OIDC_ROLE_MAP: JSON.stringify(ROLE_MAP),
    },
  });
  idp = await startTestIdp({
    port: idpPort,
    redirectUri: `${app.url}/api/auth/callback/oidc`,
    users: USERS,
    ...client,
  });
});

test.afterAll(async () => {
  await idp?.close();
  await app?.stop();
});

test.beforeEach(async () => {
  await simControl(app.sim.url).restore();
});

/** From the desk's sign-in page through the IdP's page, as a person would. */
async function signInWithIdp(page: Page, user: IdpUser): Promise<void> {
  await page.goto(`${app.url}/login`);
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(page.getByRole("heading", { name: "Test IdP sign-in" })).toBeVisible();
  expect(page.url().startsWith(`${idp.issuer}/interaction/`)).toBe(true);
  await page.getByLabel("IdP username").fill(user.username);
  await page.getByLabel("IdP password").fill(user.password);
  await page.getByRole("button", { name: "Continue" }).click();
}

const deskStatus = async (page: Page) => (await page.request.get(`${app.url}/api/mmp`)).status();

test("a user in a mapped group signs in through the IdP and acts as a trader until sign-out", async ({
  page,
  playwright,
}) => {
  await signInWithIdp(page, USERS[0]!);
  await expect(page).toHaveURL(`${app.url}/`);
  await expect(page.getByText("Signed in as dana (trader)")).toBeVisible();
  // A trader's power, used: the frozen row's Reset goes through and the row turns active.
  const frozenRow = page
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: "BTCUSDT", exact: true }) })
    .filter({ hasText: "Binance main" });
  await expect(frozenRow).toContainText("FROZEN");
  await frozenRow.getByRole("button", { name: /Reset BTCUSDT/ }).click();
  await expect(frozenRow).toContainText("ACTIVE");
  expect(await deskStatus(page)).toBe(200);

  // The session is a server-side one like any other: after sign-out a copy of the cookie is dead.
  const cookies = await page.context().cookies(app.url);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  const replay = await playwright.request.newContext({ storageState: { cookies, origins: [] } });
  expect((await replay.get(`${app.url}/api/mmp`)).status()).toBe(401);
  await replay.dispose();
});

/** Refused: back on the desk's sign-in page with the message, and no session at all. */
async function expectRefused(page: Page): Promise<void> {
  await expect(page).toHaveURL(`${app.url}/login?error=AccessDenied`);
  await expect(page.getByRole("alert").filter({ hasText: "no role on this desk" })).toBeVisible();
  expect(await deskStatus(page)).toBe(401);
  const names = (await page.context().cookies(app.url)).map((c) => c.name);
  expect(names).not.toContain("next-auth.session-token");
}

test("a user whose groups map to no role is refused: back on sign-in with a message, no session", async ({
  page,
}) => {
  await signInWithIdp(page, USERS[1]!);
  await expectRefused(page);
});

test("an SSO user named like a configured password user does not become that user", async ({
  page,
}) => {
  // The IdP says viewer; the desk's own admin1 is an admin. Neither role may be taken: refused.
  await signInWithIdp(page, USERS[2]!);
  await expectRefused(page);
});
