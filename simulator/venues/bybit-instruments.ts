// Bybit option instruments as GET /v5/market/instruments-info lists them. Clients use the list to
// discover baseCoins, so the simulator lists a call and a put for every configured baseCoin; the
// rest of each entry only needs to look like the venue's.

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

// Plausible round strikes so symbols read like real ones; anything else gets a generic strike.
const STRIKES: Record<string, string> = { BTC: "100000", ETH: "4000", SOL: "200", XRP: "3" };

/** Last Friday 08:00 UTC of the month three months after `now`: always in the future. */
function expiryOf(now: number): number {
  const d = new Date(now);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 4, 0, 8));
  const back = (lastDay.getUTCDay() - 5 + 7) % 7;
  return lastDay.getTime() - back * 86_400_000;
}

/** "27DEC26": day without leading zero, as the venue's symbols do. */
function expiryCode(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCDate()}${MONTHS[d.getUTCMonth()]}${String(d.getUTCFullYear() % 100).padStart(2, "0")}`;
}

export function bybitOptionInstruments(baseCoins: readonly string[], now: number) {
  const delivery = expiryOf(now);
  const launch = delivery - 90 * 86_400_000;
  return baseCoins.flatMap((baseCoin) =>
    (["Call", "Put"] as const).map((optionsType) => ({
      symbol: `${baseCoin}-${expiryCode(delivery)}-${STRIKES[baseCoin] ?? "10"}-${optionsType[0]}`,
      optionsType,
      status: "Trading",
      baseCoin,
      quoteCoin: "USDT",
      settleCoin: "USDT",
      launchTime: String(launch),
      deliveryTime: String(delivery),
      deliveryFeeRate: "0.00015",
      priceFilter: { minPrice: "5", maxPrice: "10000000", tickSize: "5" },
      lotSizeFilter: { maxOrderQty: "500", minOrderQty: "0.01", qtyStep: "0.01" },
      displayName: "",
    })),
  );
}
