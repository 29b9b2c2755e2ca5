import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// README "Layout" is the newcomer's map: every folder it names exists, and every source folder
// (top level and under lib/) is on it.

const ROOT = resolve(__dirname, "../..");
const NOT_SOURCE = new Set(["node_modules", "data", "test-results", "playwright-report", "public"]);

function layoutBlock(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.split(/^## Layout$/m)[1] ?? "";
  return section.split("```")[1] ?? "";
}

const dirs = (dir: string) =>
  readdirSync(join(ROOT, dir)).filter(
    (name) =>
      !name.startsWith(".") &&
      !NOT_SOURCE.has(name) &&
      statSync(join(ROOT, dir, name)).isDirectory(),
  );

describe("README layout", () => {
  const named = [...layoutBlock().matchAll(/^([a-z][\w/-]*\/)\s/gm)].map((m) => m[1] ?? "");

  it("names folders", () => {
    expect(named.length).toBeGreaterThan(10);
  });

  it("names only folders that exist", () => {
    const missing = named.filter((d) => {
      try {
        return !statSync(join(ROOT, d)).isDirectory();
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });

  it("names every source folder at the top level and under lib/", () => {
    const actual = [...dirs(".").map((d) => `${d}/`), ...dirs("lib").map((d) => `lib/${d}/`)];
    const unnamed = actual.filter((d) => d !== "lib/" && !named.includes(d));
    expect(unnamed).toEqual([]);
  });
});
