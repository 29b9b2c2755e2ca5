import { startAppUnderTest } from "../support/app-server";

// One simulator + one production app server for the whole browser run; workers reach them
// through the environment variables set here.
export default async function globalSetup(): Promise<() => Promise<void>> {
  const app = await startAppUnderTest();
  process.env.E2E_APP_URL = app.url;
  process.env.E2E_SIM_URL = app.sim.url;
  return async () => {
    await app.stop();
  };
}
