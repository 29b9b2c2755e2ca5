import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { AuditKeyRing } from "@/lib/audit/keys";
import type { Database } from "@/lib/db/schema";

// The chain's identity (table audit_chain, migration 0005), written once by the first keyed append
// or by start-up, whichever comes first:
// - chain_id names the chain in the anchor file (several databases may share one anchor file);
// - legacy_through is the last row written before keyed hashes: plain SHA-256 rows are accepted up
//   to it and never after, so a chain rewritten with plain hashes cannot pass as "legacy";
// - seal is the HMAC of both, so neither can be changed without the key.

export interface ChainIdentity {
  chainId: string;
  legacyThrough: number;
  keyId: string;
  createdAt: string;
  seal: string;
}

export function sealOf(secret: Buffer, id: Omit<ChainIdentity, "seal" | "keyId">): string {
  return createHmac("sha256", secret)
    .update(`mmp-audit-chain\n${id.chainId}\n${id.legacyThrough}\n${id.createdAt}`, "utf8")
    .digest("hex");
}

/** The identity row, or null when there is none (or the database predates migration 0005). */
export async function readIdentity(db: Kysely<Database>): Promise<ChainIdentity | null> {
  const row = await db
    .selectFrom("audit_chain")
    .selectAll()
    .where("id", "=", 1)
    .executeTakeFirst()
    .catch((err: unknown) => {
      if (/no such table|does not exist/i.test(String(err))) return undefined;
      throw err;
    });
  if (!row) return null;
  return {
    chainId: row.chain_id,
    legacyThrough: Number(row.legacy_through),
    keyId: row.key_id,
    createdAt: row.created_at,
    seal: row.seal,
  };
}

const known = new WeakMap<Kysely<Database>, Promise<ChainIdentity>>();

/** This database's identity, written now if it has none. Safe across processes: the row's primary
 * key lets one insert win and everyone re-reads it. */
export function ensureIdentity(db: Kysely<Database>, ring: AuditKeyRing): Promise<ChainIdentity> {
  let found = known.get(db);
  if (!found) {
    found = (async () => {
      const existing = await readIdentity(db);
      if (existing) return existing;
      const last = await db
        .selectFrom("audit_log")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .executeTakeFirst();
      const id = {
        chainId: randomBytes(16).toString("hex"),
        legacyThrough: Number(last?.seq ?? 0),
        createdAt: new Date().toISOString(),
      };
      await db
        .insertInto("audit_chain")
        .values({
          id: 1,
          chain_id: id.chainId,
          legacy_through: id.legacyThrough,
          key_id: ring.signing.id,
          created_at: id.createdAt,
          seal: sealOf(ring.signing.secret, id),
        })
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
      const written = await readIdentity(db);
      if (!written) throw new Error("audit chain identity could not be written");
      return written;
    })();
    known.set(db, found);
    found.catch(() => known.delete(db));
  }
  return found;
}
