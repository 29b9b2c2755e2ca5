import { describe, expect, it } from "vitest";
import {
  deribitAuthorization,
  deribitHttpPayload,
  deribitWsPayload,
  newNonce,
  signDeribit,
} from "@/lib/venues/deribit/sign";

// Known-answer vectors of docs/venues.md#deribit-signing (client id AMANDA, secret AMANDASECRECT).
const SECRET = "AMANDASECRECT";
const TS = 1576074319000;
const NONCE = "1iqt2wls";

describe("Deribit signing", () => {
  it("builds the HTTP string as ts, nonce, METHOD, URI with query, body, each line-terminated", () => {
    expect(
      deribitHttpPayload(TS, NONCE, "get", "/api/v2/private/get_mmp_status?index_name=btc_usd", ""),
    ).toBe("1576074319000\n1iqt2wls\nGET\n/api/v2/private/get_mmp_status?index_name=btc_usd\n\n");
  });

  it("reproduces the HTTP header vector", () => {
    const payload = deribitHttpPayload(
      TS,
      NONCE,
      "GET",
      "/api/v2/private/get_mmp_status?index_name=btc_usd",
      "",
    );
    const sig = signDeribit(SECRET, payload);
    expect(sig).toBe("c0e1f40c45c4fb8aae5002f1b2f4ce8d606c88740495a4dd4ae8b91d11194939");
    expect(deribitAuthorization("AMANDA", TS, sig, NONCE)).toBe(
      `deri-hmac-sha256 id=AMANDA,ts=1576074319000,sig=${sig},nonce=1iqt2wls`,
    );
  });

  it("reproduces the websocket client_signature vector (empty data)", () => {
    expect(deribitWsPayload(TS, NONCE, "")).toBe("1576074319000\n1iqt2wls\n");
    expect(signDeribit(SECRET, deribitWsPayload(TS, NONCE, ""))).toBe(
      "56590594f97921b09b18f166befe0d1319b198bbcdad7ca73382de2f88fe9aa1",
    );
  });

  it("makes a fresh nonce each time, safe inside the header", () => {
    const a = newNonce();
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(newNonce()).not.toBe(a);
  });
});
