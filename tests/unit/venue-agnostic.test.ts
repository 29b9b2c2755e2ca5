import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The desk is venue-agnostic: outside the venue adapters' folders, the adapter registry, the one
// label table, the simulator (which *is* the venues' counterpart) and the demo data, no source
// file names a venue.
const ALLOWED = [
  /^lib\/venues\/(binance|bybit|okx|deribit)\//,
  /^lib\/venues\/registry\.ts$/,
  /^lib\/model\/venues\.ts$/,
  // Each venue's editable MMP fields: the browser's form validates with the server's schema.
  /^lib\/model\/venue-limits\.ts$/,
  /^simulator\//,
  /^lib\/server\/demo-setup\.ts$/,
];
const VENUE_NAME = /binance|bybit|okx|deribit/i;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe("venue-agnostic app code", () => {
  it("finds venue names only in adapters, the registry, the label table, the simulator and demo data", () => {
    const files = ["app", "components", "lib"].flatMap(sources).concat(["instrumentation.ts"]);
    expect(files.length).toBeGreaterThan(30);
    const offenders = files
      .filter((f) => !ALLOWED.some((re) => re.test(f)))
      .filter((f) => VENUE_NAME.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("the check itself would catch a venue name", () => {
    expect(VENUE_NAME.test('const x = "Bybit";')).toBe(true);
  });
});
