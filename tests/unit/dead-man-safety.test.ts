import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The desk watches dead-man switches and must never take part in them (issue 14, safety rules):
// no Binance heartbeat, no Bybit dcp.* subscription, no OKX cancel-all-after, no Deribit
// enable_/disable_cancel_on_disconnect. The app's code does not even name those calls (only its
// comments and docs may); the simulator, which is the venues' counterpart, serves them, and
// tests/integration/dead-man.test.ts checks over HTTP that none arrives.

const FORBIDDEN: [string, RegExp][] = [
  ["Binance countdown heartbeat", /countdownCancelAllHeartBeat/i],
  ["Bybit DCP subscription", /["'`]dcp\.(option|future|spot)|["'`]dcp["'`]/i],
  ["OKX cancel-all-after", /cancel-all-after/i],
  ["Deribit enable/disable cancel-on-disconnect", /(enable|disable)_cancel_on_disconnect/i],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** The code without its comments: a comment may say what is never sent. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

describe("dead-man switch safety", () => {
  it("no app code names a call that would take part in a dead-man switch", () => {
    const files = ["app", "components", "lib"].flatMap(sources);
    expect(files.length).toBeGreaterThan(30);
    const offenders = files.flatMap((f) => {
      const text = code(readFileSync(f, "utf8"));
      return FORBIDDEN.filter(([, re]) => re.test(text)).map(([what]) => `${f}: ${what}`);
    });
    expect(offenders).toEqual([]);
  });

  it("the check would catch each of them, and ignores comments", () => {
    for (const sample of [
      'path: "/eapi/v1/countdownCancelAllHeartBeat"',
      'topic: "dcp.option"',
      'path: "/api/v5/trade/cancel-all-after"',
      'method: "private/enable_cancel_on_disconnect"',
    ])
      expect(FORBIDDEN.some(([, re]) => re.test(code(sample)))).toBe(true);
    expect(FORBIDDEN.some(([, re]) => re.test(code("// never cancel-all-after")))).toBe(false);
  });
});
