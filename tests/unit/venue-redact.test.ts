import { describe, expect, it } from "vitest";
import { Secret } from "@/lib/config/secret";
import { bybitError, withoutOriginString } from "@/lib/venues/bybit/errors";
import { VenueError } from "@/lib/venues/errors";
import { redactingAdapter } from "@/lib/venues/redact";
import type { AdapterContext, VenueAdapter } from "@/lib/venues/types";

// Issue 12, point 8: a Bybit signature error quoted the account's API key (origin_string) into
// the row's message, the stream, the wall, the audit trail and the log. The Bybit mapping drops
// the quote; every adapter's text is scrubbed of the account's key whatever the venue says.
// (tests/integration/hardening.test.ts shows it through the simulator and the app.)

const KEY = "test-key-abcdef-123456";
const ctx: AdapterContext = {
  accountId: "acct",
  baseUrl: "http://127.0.0.1:1",
  credentials: { apiKey: KEY, apiSecret: new Secret("s"), passphrase: null, keyType: "hmac" },
  timeouts: { readMs: 100, resetMs: 100 },
  demoTrading: false,
};
const quote = `error sign! origin_string[1700000000000${KEY}5000{"category":"option","baseCoin":"BTC"}]`;

describe("Bybit's 10004", () => {
  it("keeps the message and drops the quoted string", () => {
    expect(withoutOriginString(quote)).toBe("error sign! origin_string withheld");
    expect(withoutOriginString("API key is invalid.")).toBe("API key is invalid.");
  });

  it("maps to a signature error that names no key", () => {
    const err = bybitError(10004, quote, 200);
    expect(err.kind).toBe("signature");
    expect(err.message).toBe(
      "Bybit: invalid signature (10004): error sign! origin_string withheld",
    );
    expect(JSON.stringify([err.message, err.details, err.stack])).not.toContain(KEY);
  });
});

describe("every adapter's text, scrubbed of the account's API key", () => {
  const leaky: VenueAdapter = {
    venue: "okx",
    label: "Leaky",
    keyTypes: ["hmac"],
    needsPassphrase: false,
    rateLimit: { perSecond: 1, burst: 1 },
    readCost: () => 1,
    scopePattern: /^[A-Z]+$/,
    listScopes: () =>
      Promise.reject(new VenueError("auth", `key ${KEY} unknown`, { venueMessage: `key ${KEY}` })),
    readScopes: () =>
      Promise.resolve([
        {
          scope: "BTC",
          state: {
            status: "unknown",
            frozenUntil: null,
            windowMs: null,
            frozenPeriodMs: null,
            qtyLimit: null,
            deltaLimit: null,
            vegaLimit: null,
            lastTriggerAt: null,
            problem: { code: "rejected", message: `no MMP for ${KEY}` },
          },
        },
      ]),
    reset: () => Promise.resolve({ venueAnswer: `{"apiKey":"${KEY}","ok":true}` }),
    serverTime: () => Promise.reject(new Error(`plain error ${KEY}`)),
  };
  const adapter = redactingAdapter(leaky);

  it("errors: message, venue message and stack", async () => {
    const err = (await adapter.listScopes(ctx).catch((e: unknown) => e)) as VenueError;
    expect(err).toBeInstanceOf(VenueError);
    expect(err.kind).toBe("auth");
    expect(err.message).toBe("key [api key] unknown");
    expect(err.details.venueMessage).toBe("key [api key]");
    expect(err.stack).not.toContain(KEY);
  });

  it("per-scope problems and reset answers", async () => {
    const [read] = await adapter.readScopes(ctx, ["BTC"]);
    expect(read?.state.problem?.message).toBe("no MMP for [api key]");
    expect((await adapter.reset(ctx, "BTC")).venueAnswer).toBe('{"apiKey":"[api key]","ok":true}');
  });

  it("errors that are not the venue's pass through unchanged", async () => {
    await expect(adapter.serverTime(ctx)).rejects.toThrow(`plain error ${KEY}`);
  });
});
