import { describe, expect, it } from "vitest";
import { signBinance } from "@/lib/venues/binance/sign";

// Known-answer vectors of docs/venues.md#binance-signing.
const SPOT_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const OPTIONS_SECRET = "YtP1BudNOWZE1ag5uzCkh4hIC7qSmQOu797r5EJBFGhxBYivjj8HIX0iiiPof5yG";

describe("signBinance", () => {
  it.each([
    [
      "spot doc",
      SPOT_SECRET,
      "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559",
      "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
    ],
    [
      "options doc",
      OPTIONS_SECRET,
      "symbol=BTC-210129-40000-C&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=2000&recvWindow=5000&timestamp=1611825601400",
      "7c12045972f6140e765e0f2b67d28099718df805732676494238f50be830a7d7",
    ],
    [
      "options query+body, no &",
      OPTIONS_SECRET,
      "symbol=BTC-210129-40000-C&side=BUY&type=LIMIT&timeInForce=GTCquantity=0.01&price=2000&recvWindow=5000&timestamp=1611825601400",
      "fa6045c54fb02912b766442be1f66fab619217e551a4fb4f8a1ee000df914d8e",
    ],
    [
      "mmpReset",
      SPOT_SECRET,
      "underlying=BTCUSDT&recvWindow=5000&timestamp=1499827319559",
      "2ada07a338ca2ff2c1fc9f4a487948003ce8b10c494d44d31ad19f5e6f08f2a8",
    ],
  ])("reproduces the %s vector", (_name, secret, payload, expected) => {
    expect(signBinance(secret, payload)).toBe(expected);
  });

  it("changes when one byte of the payload changes", () => {
    const a = signBinance(
      SPOT_SECRET,
      "underlying=BTCUSDT&recvWindow=5000&timestamp=1499827319559",
    );
    const b = signBinance(
      SPOT_SECRET,
      "underlying=BTCUSDT&recvWindow=5000&timestamp=1499827319558",
    );
    expect(a).not.toBe(b);
  });
});
