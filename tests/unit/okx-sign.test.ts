import { describe, expect, it } from "vitest";
import { okxPrehash, okxTimestamp, signOkxHmac } from "@/lib/venues/okx/sign";

// Known-answer vectors of docs/venues.md#okx-signing (secret "secretsecret", base64 output).
const TS = "2020-12-08T09:08:57.715Z";

describe("OKX signing", () => {
  it("formats the timestamp as ISO 8601 UTC with milliseconds", () => {
    expect(okxTimestamp(Date.parse(TS))).toBe(TS);
    // Whole seconds still carry ".000": OKX rejects a timestamp without milliseconds.
    expect(okxTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe("2024-01-02T03:04:05.000Z");
  });

  it("builds the prehash as timestamp + METHOD + requestPath + body", () => {
    expect(okxPrehash(TS, "GET", "/api/v5/account/mmp-config?instFamily=BTC-USD", "")).toBe(
      "2020-12-08T09:08:57.715ZGET/api/v5/account/mmp-config?instFamily=BTC-USD",
    );
  });

  it("reproduces the GET mmp-config vector", () => {
    const prehash = okxPrehash(TS, "GET", "/api/v5/account/mmp-config?instFamily=BTC-USD", "");
    expect(signOkxHmac("secretsecret", prehash)).toBe(
      "jaIEx/RT6Upvk8ZdAKkGdSdngwcW8rwQJ6P4abmaTWo=",
    );
  });

  it("reproduces the POST mmp-reset vector over the exact JSON bytes", () => {
    const body = JSON.stringify({ instType: "OPTION", instFamily: "BTC-USD" });
    expect(body).toBe('{"instType":"OPTION","instFamily":"BTC-USD"}');
    expect(
      signOkxHmac("secretsecret", okxPrehash(TS, "POST", "/api/v5/account/mmp-reset", body)),
    ).toBe("Cw3v31N3LCdmxP2NQnkeKzuW2LmW9Vh4VqinE/0w36U=");
  });
});
