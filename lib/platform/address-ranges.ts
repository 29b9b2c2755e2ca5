import { BlockList, isIP } from "node:net";

// IP addresses and CIDR ranges, as MMP_TRUSTED_PROXIES lists them ("10.0.0.0/8, ::1"): parsed
// once at start-up (lib/platform/env.ts), then asked whether an address is one of them.

export interface AddressRanges {
  /** The list as written (trimmed), for the start-up log and error messages. */
  readonly entries: readonly string[];
  has(address: string): boolean;
}

/** "::ffff:10.0.0.1" (an IPv4 client on a dual-stack socket) → "10.0.0.1"; other text as is. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** `ip` or `ip/prefix`, comma-separated; null when any entry is not one. */
export function parseAddressRanges(value: string): AddressRanges | null {
  const list = new BlockList();
  const entries: string[] = [];
  for (const raw of value.split(",")) {
    const entry = raw.trim();
    const [ip = "", prefix, extra] = entry.split("/");
    const address = plainAddress(ip);
    const family = isIP(address);
    if (family === 0 || extra !== undefined) return null;
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) {
      list.addAddress(address, type);
    } else {
      const bits = Number(prefix);
      if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) return null;
      list.addSubnet(address, bits, type);
    }
    entries.push(entry);
  }
  return {
    entries,
    has(address) {
      const plain = plainAddress(address);
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

export const NO_ADDRESSES: AddressRanges = { entries: [], has: () => false };
