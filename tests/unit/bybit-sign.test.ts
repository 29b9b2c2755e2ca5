import { describe, expect, it } from "vitest";
import { bybitPayload, signBybitHmac } from "@/lib/venues/bybit/sign";

// Known-answer vectors of docs/venues.md#bybit-signing.
describe("Bybit signing", () => {
  it("builds the signed string as timestamp + key + recvWindow + payload", () => {
    expect(bybitPayload(1675842997277, "key", 5000, "baseCoin=ETH")).toBe(
      "1675842997277key5000baseCoin=ETH",
    );
  });

  it("reproduces the GET mmp-state vector", () => {
    expect(
      signBybitHmac("secretsecret", bybitPayload(1675842997277, "key", 5000, "baseCoin=ETH")),
    ).toBe("6a30210f526f4eb6d2f22f80ab8c6445581d87f519e8cadc338949c18c7f9259");
  });

  it("reproduces the POST mmp-reset vector over the exact JSON bytes", () => {
    const body = JSON.stringify({ baseCoin: "ETH" });
    expect(body).toBe('{"baseCoin":"ETH"}');
    expect(signBybitHmac("secretsecret", bybitPayload(1675842997277, "key", 5000, body))).toBe(
      "962d16b8b49f326b68cd4a58f1038c0cf1981f20615daabe6ebdf27ac4c966e2",
    );
  });
});
