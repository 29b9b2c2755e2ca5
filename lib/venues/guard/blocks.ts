import "server-only";
import { singleton } from "@/lib/platform/singleton";

// Time-boxed stops the venue asked for: a 429 / Retry-After / exhausted usage header blocks one
// account's key until then; a ban (HTTP 418 or the venue's own ban answer) blocks every account on that venue host,
// because the venue bans the IP, not the key. Nothing is sent to a blocked target.

export interface Block {
  until: number;
  reason: string;
  kind: "rate_limited" | "banned";
}

const blocks = singleton("venue-blocks", () => new Map<string, Block>());

export function blockFor(keys: string[], now = Date.now()): Block | null {
  for (const key of keys) {
    const b = blocks.get(key);
    if (b && b.until > now) return b;
    if (b) blocks.delete(key);
  }
  return null;
}

export function setBlock(key: string, block: Block): void {
  const current = blocks.get(key);
  if (!current || current.until < block.until) blocks.set(key, block);
}
