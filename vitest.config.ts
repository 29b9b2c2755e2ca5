import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// "server-only" throws outside React Server Components; in tests the modules run in plain Node,
// which is exactly the server side, so it resolves to nothing.
const alias = {
  "@": root,
  "server-only": fileURLToPath(new URL("./tests/support/empty.ts", import.meta.url)),
};

// Integration files that measure the process under load (memory after 2,000 streams, a byte cap
// on a flooded socket) or race two processes against each other: they run alone, one after
// another, so what they measure is the code, not a neighbour's CPU. The other integration files
// run three at a time (maxWorkers below): each starts its own simulator and app server on free
// ports with its own database, and spends most of its time waiting on polls and venue latency.
const INTEGRATION_SOLO = [
  "tests/integration/stream-limits.test.ts",
  "tests/integration/cluster.test.ts",
  "tests/integration/reset-once-cluster.test.ts",
];

export default defineConfig({
  resolve: { alias },
  test: {
    // Three files at a time on the machine's 2 cores: integration files spend much of their time
    // waiting on polls and venue latency, so a third keeps both cores busy (measured on 2 cores:
    // the integration tier took 310 s with two, 257 s with three, 257 s with four).
    maxWorkers: 3,
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
          // Creating a throwaway PostgreSQL database takes well under a second; the margin is for
          // a CI host busy with two `npm ci` runs.
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          exclude: INTEGRATION_SOLO,
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration-solo",
          include: INTEGRATION_SOLO,
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // One file at a time, in one process (scripts run this project on its own, before
          // the others).
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
