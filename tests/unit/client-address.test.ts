import { describe, expect, it } from "vitest";
import { clientAddress } from "@/lib/http/client-address";
import { NO_ADDRESSES, parseAddressRanges } from "@/lib/platform/address-ranges";
import { EnvError, parseEnv } from "@/lib/platform/env";

// Issue 12, point 7: the audit trail's client address cannot be forged with X-Forwarded-For.
// The header is believed only from a configured trusted proxy, and only as far as the chain of
// trusted proxies goes (tests/integration/hardening.test.ts proves it through the server).

const ranges = (s: string) => parseAddressRanges(s)!;

describe("MMP_TRUSTED_PROXIES", () => {
  it("is empty by default: nobody's X-Forwarded-For is believed", () => {
    expect(parseEnv({}).MMP_TRUSTED_PROXIES.entries).toEqual([]);
    expect(parseEnv({ MMP_TRUSTED_PROXIES: "" }).MMP_TRUSTED_PROXIES.has("127.0.0.1")).toBe(false);
  });

  it("takes addresses and CIDR ranges of both families", () => {
    const trusted = parseEnv({
      MMP_TRUSTED_PROXIES: "10.0.0.0/8, 192.0.2.7 ,::1, 2001:db8::/32",
    }).MMP_TRUSTED_PROXIES;
    expect(trusted.entries).toEqual(["10.0.0.0/8", "192.0.2.7", "::1", "2001:db8::/32"]);
    for (const yes of ["10.1.2.3", "192.0.2.7", "::1", "2001:db8::5", "::ffff:10.9.9.9"])
      expect(trusted.has(yes), yes).toBe(true);
    for (const no of ["11.0.0.1", "192.0.2.8", "::2", "2001:db9::1", "not-an-ip"])
      expect(trusted.has(no), no).toBe(false);
  });

  it.each(["10.0.0.0/33", "10.0.0.1/8/1", "proxy.internal", "10.0.0.1,", "::1/129", "1.2.3"])(
    "refuses %j at start-up, naming the variable",
    (value) => {
      expect(() => parseEnv({ MMP_TRUSTED_PROXIES: value })).toThrow(EnvError);
      expect(() => parseEnv({ MMP_TRUSTED_PROXIES: value })).toThrow(/^MMP_TRUSTED_PROXIES: /);
    },
  );
});

describe("clientAddress", () => {
  const forged = "203.0.113.66";

  it("without trusted proxies: the peer, whatever the header says", () => {
    expect(clientAddress("198.51.100.4", forged, NO_ADDRESSES)).toBe("198.51.100.4");
    expect(clientAddress("::ffff:198.51.100.4", forged, NO_ADDRESSES)).toBe("198.51.100.4");
  });

  it("from an untrusted peer: the peer, even when the proxy list is set", () => {
    expect(clientAddress("198.51.100.4", forged, ranges("10.0.0.0/8"))).toBe("198.51.100.4");
  });

  it("an unknown peer is unknown, never the header", () => {
    expect(clientAddress(null, forged, ranges("10.0.0.0/8"))).toBeNull();
  });

  it("from a trusted proxy: the nearest address that is not one of ours", () => {
    const trusted = ranges("10.0.0.0/8");
    expect(clientAddress("10.0.0.2", "198.51.100.9", trusted)).toBe("198.51.100.9");
    // The client may have sent its own header: the proxy appended the real one at the right.
    expect(clientAddress("10.0.0.2", `${forged}, 198.51.100.9`, trusted)).toBe("198.51.100.9");
    // Two trusted hops.
    expect(clientAddress("10.0.0.2", `${forged}, 198.51.100.9, 10.0.0.3`, trusted)).toBe(
      "198.51.100.9",
    );
    // Ports and brackets as some proxies write them.
    expect(clientAddress("10.0.0.2", "198.51.100.9:5123", trusted)).toBe("198.51.100.9");
    expect(clientAddress("10.0.0.2", "[2001:db8::9]:443", trusted)).toBe("2001:db8::9");
  });

  it("a trusted proxy without a header, or with only trusted hops: the farthest trusted hop", () => {
    const trusted = ranges("10.0.0.0/8");
    expect(clientAddress("10.0.0.2", null, trusted)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", "10.0.0.7, 10.0.0.3", trusted)).toBe("10.0.0.7");
  });

  it("a malformed entry ends the walk at the last hop still vouched for", () => {
    const trusted = ranges("10.0.0.0/8");
    expect(clientAddress("10.0.0.2", "'; DROP TABLE audit_log; --", trusted)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", "198.51.100.9, unknown, 10.0.0.3", trusted)).toBe("10.0.0.3");
  });
});
