import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The layering rules (.dependency-cruiser.cjs, run by `npm run lint`) must bite: each case plants
// one forbidden import in a small tree of its own and expects exactly that rule to fire; a tree
// that follows the plan passes. The rules are the real config file, not a copy.

const ROOT = resolve(__dirname, "../..");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");
const DEPCRUISE = join(ROOT, "node_modules/.bin/depcruise");

// A lawful skeleton: every layer importing the one below it, the root starting the simulator.
const LAWFUL: Record<string, string> = {
  "node_modules/server-only/package.json": '{"name":"server-only","main":"index.js"}',
  "node_modules/server-only/index.js": "",
  "lib/model/types.ts": "export type Row = { id: string };",
  "lib/platform/log.ts":
    'import "server-only";\nimport type { Row } from "@/lib/model/types";\nexport const log = (r: Row) => r;',
  "lib/config/load.ts": 'import { log } from "@/lib/platform/log";\nexport const load = log;',
  "lib/venues/adapter.ts": 'import { load } from "@/lib/config/load";\nexport const read = load;',
  "lib/live/store.ts": 'import { read } from "@/lib/venues/adapter";\nexport const store = read;',
  "lib/desk/reset.ts": 'import { store } from "@/lib/live/store";\nexport const reset = store;',
  "lib/http/edge.ts": 'import { reset } from "@/lib/desk/reset";\nexport const edge = reset;',
  "simulator/index.ts":
    'import type { Row } from "@/lib/model/types";\nexport const sim = (r: Row) => r;',
  "lib/server/start.ts":
    'import { edge } from "@/lib/http/edge";\nimport { sim } from "@/simulator/index";\nexport const start = [edge, sim];',
  "lib/client/queries.ts":
    'import type { Row } from "@/lib/model/types";\nexport const q = (r: Row) => r;',
  "components/desk.tsx": 'import { q } from "@/lib/client/queries";\nexport const Desk = q;',
};

const PLANTED: Array<[rule: string, file: string, source: string]> = [
  [
    "layer-model-imports-higher",
    "lib/model/bad.ts",
    'import { start } from "@/lib/server/start";\nexport const x = start;',
  ],
  [
    "layer-live-imports-higher",
    "lib/live/bad.ts",
    'import { reset } from "@/lib/desk/reset";\nexport const x = reset;',
  ],
  [
    "layer-domain-imports-higher",
    "lib/venues/bad.ts",
    'import { store } from "@/lib/live/store";\nexport const x = store;',
  ],
  [
    "lib-imports-ui",
    "lib/desk/bad.ts",
    'import { Desk } from "@/components/desk";\nexport const x = Desk;',
  ],
  [
    "browser-imports-server-code",
    "components/bad.tsx",
    'import { store } from "@/lib/live/store";\nexport const x = store;',
  ],
  [
    "browser-reaches-server-only",
    "lib/client/bad.ts",
    'import "server-only";\nexport const x = 1;',
  ],
  [
    "simulator-outside-root",
    "lib/desk/sim-user.ts",
    'import { sim } from "@/simulator/index";\nexport const x = sim;',
  ],
  [
    "simulator-imports-app",
    "simulator/bad.ts",
    'import { store } from "@/lib/live/store";\nexport const x = store;',
  ],
];

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "layering-"));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = join(base, name);
  const all = {
    ...files,
    "tsconfig.json": JSON.stringify({
      compilerOptions: { baseUrl: ".", paths: { "@/*": ["./*"] }, jsx: "react-jsx" },
    }),
  };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

interface Violation {
  from: string;
  rule: { name: string };
}

function violations(dir: string): Violation[] {
  let out: string;
  try {
    out = execFileSync(
      DEPCRUISE,
      ["lib", "components", "simulator", "--config", CONFIG, "--output-type", "json"],
      { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
  } catch (err) {
    // depcruise exits non-zero when it finds errors; the JSON report is still on stdout.
    out = String((err as { stdout?: unknown }).stdout ?? "");
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

// One cruise per tree (each takes seconds): all plants go into one tree, and each must be
// reported under its own rule.
describe("layering rules", { timeout: 120_000 }, () => {
  it("pass a tree that follows the plan", () => {
    expect(violations(tree("lawful", LAWFUL))).toEqual([]);
  });

  it("catch every planted violation, each under its own rule", () => {
    const plants = Object.fromEntries(PLANTED.map(([, file, source]) => [file, source]));
    const found = violations(tree("planted", { ...LAWFUL, ...plants }));
    for (const [rule, file] of PLANTED) {
      const rules = found.filter((v) => v.from === file).map((v) => v.rule.name);
      expect(rules, file).toContain(rule);
    }
    // Nothing lawful is reported: only the planted files appear.
    expect(new Set(found.map((v) => v.from))).toEqual(new Set(PLANTED.map(([, file]) => file)));
  });
});
