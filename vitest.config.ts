import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// "server-only" throws outside React Server Components; in tests the modules run in plain Node,
// which is exactly the server side, so it resolves to nothing.
const alias = {
  "@": root,
  "server-only": fileURLToPath(new URL("./tests/support/empty.ts", import.meta.url)),
};

export default defineConfig({
  resolve: { alias },
  test: {
    // Integration files each start a simulator and a production app server; on 2 cores they
    // run one after another so timeouts measure the code, not CPU contention.
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" },
      },
      {
        // In-process tests of the middle layers (reset core, venue guard) with their collaborators
        // passed in: no build, no server, milliseconds each.
        extends: true,
        test: {
          name: "middle",
          include: ["tests/middle/**/*.test.ts"],
          environment: "node",
          // Milliseconds each on a quiet machine; the margin is for a loaded CI host, not the code.
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
