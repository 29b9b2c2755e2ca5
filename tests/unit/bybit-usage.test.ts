import { describe, expect, it } from "vitest";
import { bybitUsage } from "@/lib/venues/bybit/request";

// Bybit's usage headers, read by Bybit's own rule (lib/venues/http.ts only applies it).
const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? null });
const NOW = 1_700_000_000_000;

describe("bybitUsage", () => {
  it("a window with requests left blocks nothing", () => {
    expect(bybitUsage(headers({ "x-bapi-limit-status": "3" }), NOW)).toBeNull();
    expect(bybitUsage(headers({}), NOW)).toBeNull();
  });

  it("a used-up window blocks the key until the venue's reset time", () => {
    const spent = bybitUsage(
      headers({ "x-bapi-limit-status": "0", "x-bapi-limit-reset-timestamp": String(NOW + 4000) }),
      NOW,
    );
    expect(spent).toEqual({
      reason: "venue usage limit reached (X-Bapi-Limit-Status 0)",
      until: NOW + 4000,
    });
  });

  it("without a usable reset time, for one second", () => {
    for (const reset of [undefined, "garbage", String(NOW - 1)]) {
      const h = {
        "x-bapi-limit-status": "0",
        ...(reset ? { "x-bapi-limit-reset-timestamp": reset } : {}),
      };
      expect(bybitUsage(headers(h), NOW)?.until).toBe(NOW + 1000);
    }
  });
});
