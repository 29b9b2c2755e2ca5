import "server-only";
import { singleton } from "@/lib/platform/singleton";

// Time-boxed stops the venue asked for: a 429 / Retry-After / exhausted usage header blocks one
// account's key until then; a ban (HTTP 418 or the venue's own ban answer) blocks every account on
// that venue host, because the venue bans the IP, not the key. Nothing is sent to a blocked target.

export interface Block {
  until: number;
  reason: string;
  kind: "rate_limited" | "banned";
}

export class Blocks {
  /** The store defaults to the process-wide one, shared by every bundle Next builds. */
  constructor(
    private readonly store: Map<string, Block> = singleton("venue-blocks", () => new Map()),
  ) {}

  /** The first block still in force on any of these keys at `now`; expired ones are dropped. */
  activeFor(keys: string[], now: number): Block | null {
    for (const key of keys) {
      const b = this.store.get(key);
      if (b && b.until > now) return b;
      if (b) this.store.delete(key);
    }
    return null;
  }

  /** A block never shortens one already in force. */
  set(key: string, block: Block): void {
    const current = this.store.get(key);
    if (!current || current.until < block.until) this.store.set(key, block);
  }
}
