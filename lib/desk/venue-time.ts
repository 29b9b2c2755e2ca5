import "server-only";
import type { VenueAccount } from "@/lib/venues/account";
import { clockOffset } from "@/lib/venues/clock";

// Times in a row (a trigger time, say) are venue times expressed on this process's clock: each
// adapter subtracts this process's estimate of the venue's clock offset. Two processes estimate
// it separately, so one freeze's trigger time differs between them by the difference of their
// estimates (tens of ms on a loaded host). Shared records that must recognise one freeze in every
// process therefore keep the venue's own clock reading: this process's time plus its offset —
// the same offset the adapter subtracted (every adapter keys its clock by "<venue> <base URL>").

/** The venue's clock reading for a time this process expressed on its own clock. */
export function onVenueClock(account: VenueAccount, t: number): number {
  if (account.problem) return t;
  return t + clockOffset(`${account.account.venue} ${account.ctx.baseUrl}`);
}
