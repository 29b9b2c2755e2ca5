import "server-only";
import type { Venue } from "@/lib/model/types";
import type { VenueAdapter } from "@/lib/venues/types";
import { binanceAdapter } from "@/lib/venues/binance/adapter";
import { bybitAdapter } from "@/lib/venues/bybit/adapter";
import { deribitAdapter } from "@/lib/venues/deribit/adapter";
import { okxAdapter } from "@/lib/venues/okx/adapter";

// One line per venue. A venue without an adapter yet shows its accounts as misconfigured.
const ADAPTERS: Partial<Record<Venue, VenueAdapter>> = {
  binance: binanceAdapter,
  bybit: bybitAdapter,
  deribit: deribitAdapter,
  okx: okxAdapter,
};

export function adapterFor(venue: Venue): VenueAdapter | null {
  return ADAPTERS[venue] ?? null;
}
