// Prints `export NAME=value` lines for the test fixture accounts, so scripts/test-all.sh can build
// the production bundle with the test secrets in its environment (the secret scan then proves
// they do not reach the client bundle). PEM keys span lines and are left out here.
import { fixtureEnv } from "../tests/support/fixtures";

for (const [name, value] of Object.entries(fixtureEnv())) {
  if (!value.includes("\n")) console.log(`export ${name}='${value.replace(/'/g, "")}'`);
}
