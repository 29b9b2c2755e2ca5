// The venue names the app knows and how to show them: the only place outside lib/venues/<venue>/
// and lib/venues/registry.ts that names a venue (checked by tests/unit/venue-agnostic.test.ts).
export const VENUES = ["binance", "bybit", "okx", "deribit"] as const;
export type Venue = (typeof VENUES)[number];

export const VENUE_LABELS: Record<Venue, string> = {
  binance: "Binance",
  bybit: "Bybit",
  okx: "OKX",
  deribit: "Deribit",
};
