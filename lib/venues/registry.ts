import "server-only";
import type { Venue } from "@/lib/model/types";
import type { VenueAdapter } from "@/lib/venues/types";
import { binanceAdapter } from "@/lib/venues/binance/adapter";
import { bybitAdapter } from "@/lib/venues/bybit/adapter";
import { deribitAdapter } from "@/lib/venues/deribit/adapter";
import { okxAdapter } from "@/lib/venues/okx/adapter";
import { redactingAdapter } from "@/lib/venues/redact";

// One line per venue. A venue without an adapter yet shows its accounts as misconfigured. Each
// is wrapped so that no text it produces carries the account's API key (lib/venues/redact.ts).
const ADAPTERS: Partial<Record<Venue, VenueAdapter>> = {
  binance: redactingAdapter(binanceAdapter),
  bybit: redactingAdapter(bybitAdapter),
  deribit: redactingAdapter(deribitAdapter),
  okx: redactingAdapter(okxAdapter),
};

export function adapterFor(venue: Venue): VenueAdapter | null {
  return ADAPTERS[venue] ?? null;
}
