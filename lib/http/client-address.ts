import { isIP } from "node:net";
import { plainAddress, type AddressRanges } from "@/lib/platform/address-ranges";

// Where a request came from, for the audit trail and the sign-in throttle. The connection's own
// address is the only one nobody can forge; X-Forwarded-For is somebody's claim, believed only
// from a proxy we were told to trust (MMP_TRUSTED_PROXIES), and then only as far as the chain of
// trusted proxies goes: each appends the address it was connected from, so the list is read from
// the right, past every trusted hop, to the first address that is not one of ours.

/** "203.0.113.7", "203.0.113.7:5100", "[2001:db8::1]:443" or "2001:db8::1" → the address; null
 * when the entry is not an IP address at all. */
function hopAddress(entry: string): string | null {
  const text = entry.trim();
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text);
  const address = plainAddress(v6?.[1] ?? v4?.[1] ?? text);
  return isIP(address) === 0 ? null : address;
}

/**
 * The client's address: the peer's own unless the peer is a trusted proxy, in which case the
 * nearest untrusted address in its X-Forwarded-For. A malformed entry ends the walk at the last
 * trusted hop before it (the farthest address still vouched for). Null when the peer is unknown.
 */
export function clientAddress(
  peer: string | null,
  forwardedFor: string | null,
  trusted: AddressRanges,
): string | null {
  if (peer === null) return null;
  let client = plainAddress(peer);
  if (!trusted.has(client) || !forwardedFor) return client;
  const hops = forwardedFor.split(",");
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = hopAddress(hops[i] ?? "");
    if (hop === null) return client;
    client = hop;
    if (!trusted.has(hop)) return hop;
  }
  // Every hop is a trusted proxy: the farthest is where the request entered.
  return client;
}
