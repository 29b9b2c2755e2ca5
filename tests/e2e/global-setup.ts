import { startAppUnderTest } from "../support/app-server";

// One simulator + one production app server for the whole browser run; workers reach them
// through the environment variables set here.
export default async function globalSetup(): Promise<() => Promise<void>> {
  const app = await startAppUnderTest({
    // The firm's bound limits.spec.ts runs into (Qty limit of bn-alt's SOLUSDT, 900 in the
    // fixtures): the browser cannot know it, so the server's refusal has to name it.
    config: (config) => ({
      ...config,
      limitPolicy: {
        accounts: { "bn-alt": { scopes: { SOLUSDT: { qtyLimit: { max: "1000" } } } } },
      },
    }),
  });
  process.env.E2E_APP_URL = app.url;
  process.env.E2E_SIM_URL = app.sim.url;
  return async () => {
    await app.stop();
  };
}
