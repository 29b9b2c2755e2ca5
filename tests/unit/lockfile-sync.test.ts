import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// `npm ci` (the README's production install, and CI's: .ci/run) refuses to run when
// package-lock.json does not match package.json, which a fresh clone then cannot get past. The
// lock records, for the project itself, exactly the ranges package.json asks for, and an entry
// for every package it installs: an edit of package.json without `npm install` shows here, in
// milliseconds, before any install is tried.

const ROOT = join(__dirname, "../..");
const read = (file: string): unknown => JSON.parse(readFileSync(join(ROOT, file), "utf8"));

type Deps = Record<string, string>;
interface Manifest {
  name?: string;
  dependencies?: Deps;
  devDependencies?: Deps;
  optionalDependencies?: Deps;
  peerDependencies?: Deps;
}
interface Lock {
  lockfileVersion: number;
  packages: Record<string, Manifest & { version?: string }>;
}

const manifest = read("package.json") as Manifest;
const lock = read("package-lock.json") as Lock;
const FIELDS = [
  "dependencies",
  "devDependencies",
  "optionalDependencies",
  "peerDependencies",
] as const;

describe("package-lock.json", () => {
  it("is a v3 lock with the project as its root package", () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    expect(lock.packages[""]?.name).toBe(manifest.name);
  });

  it.each(FIELDS)("records the %s of package.json exactly", (field) => {
    expect(lock.packages[""]?.[field] ?? {}).toEqual(manifest[field] ?? {});
  });

  it("holds every direct dependency", () => {
    const direct = FIELDS.filter((f) => f !== "peerDependencies").flatMap((f) =>
      Object.keys(manifest[f] ?? {}),
    );
    const missing = direct.filter((name) => !lock.packages[`node_modules/${name}`]?.version);
    expect(missing).toEqual([]);
  });
});
