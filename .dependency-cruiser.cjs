// The house plan as data: which folder may import which. `npm run lint` runs this check
// (depcruise) after ESLint; tests/unit/layering.test.ts plants violations to prove it bites.
//
// Server layers, lowest first. A layer may import its own folder and any layer before it,
// never one after it. Folders on one line are one layer and may import each other.
const SERVER_LAYERS = [
  { name: "model", path: "^lib/model/" }, // shared, browser-safe: types, venues, ordering, formats
  { name: "platform", path: "^lib/platform/" }, // log, singleton, metrics, errors, env
  { name: "store", path: "^lib/(config|db)/" }, // read + validate config; database
  { name: "domain", path: "^lib/(venues|audit|auth)/" }, // venue clients, audit trail, sign-in
  { name: "live", path: "^lib/live/" }, // state store, poller, push, publish, streams, cluster
  { name: "desk", path: "^lib/(desk|limits)/" }, // use cases: snapshot, reset, limit changes
  { name: "http", path: "^lib/http/" }, // the one HTTP edge
  { name: "server", path: "^lib/server/" }, // composition root: start-up, health, demo bootstrap
];

// Code that runs in the browser: it may import only these folders, and never (even indirectly)
// a module marked `import "server-only"`.
const BROWSER = "^(components|lib/client|lib/model)/";
const BROWSER_MAY_IMPORT = "^(components|lib/client|lib/model)/";

// Only the composition root, tests, benchmarks and scripts start or configure the simulator.
const SIMULATOR_USERS = "^(simulator|lib/server|tests|bench|scripts)/";

const layerRules = SERVER_LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.name}-imports-higher`,
  comment: `${layer.name} must not import a higher layer (${SERVER_LAYERS.slice(i + 1)
    .map((l) => l.name)
    .join(", ")})`,
  severity: "error",
  from: { path: layer.path },
  to: { path: SERVER_LAYERS.slice(i + 1).map((l) => l.path) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "lib-imports-ui",
      comment: "nothing under lib/ imports components/ or app/",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^(components|app)/" },
    },
    {
      name: "browser-imports-server-code",
      comment: "browser code imports only components/, lib/client/ and lib/model/",
      severity: "error",
      from: { path: BROWSER },
      to: { path: "^(lib|simulator)/", pathNot: BROWSER_MAY_IMPORT },
    },
    {
      name: "browser-reaches-server-only",
      comment: "browser code never reaches a module marked import \"server-only\"",
      severity: "error",
      from: { path: BROWSER },
      to: { path: "node_modules/server-only/", reachable: true },
    },
    {
      name: "simulator-outside-root",
      comment: "only the composition root, tests, benchmarks and scripts import the simulator",
      severity: "error",
      from: { pathNot: SIMULATOR_USERS },
      to: { path: "^simulator/" },
    },
    {
      name: "simulator-imports-app",
      comment: "the simulator is the venues' counterpart: it shares only the model's types",
      severity: "error",
      from: { path: "^simulator/" },
      to: { path: "^(lib|components|app)/", pathNot: "^lib/model/" },
    },
    {
      name: "no-circular",
      comment: "import cycles make the layering meaningless",
      severity: "error",
      from: { path: "^(lib|components|app|simulator)/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^\\.next/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // Resolve "server-only" as Next does for server code; it still lands in node_modules/server-only.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
