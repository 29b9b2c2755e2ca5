import "server-only";
import { anchorFile, anchorPathFor } from "@/lib/audit/anchor";
import { ensureIdentity } from "@/lib/audit/identity";
import { initAuditKeys } from "@/lib/audit/keys";
import { ConfigError } from "@/lib/config/load";
import { getDb } from "@/lib/db/client";

/** Start-up: the audit keys (MMP_AUDIT_KEYS; stops the server outside demo mode without them),
 * the chain's identity, and the anchor file opened for appending — so a missing key or an
 * unwritable anchor file stops the server with one line, not the first reset. */
export async function prepareAuditTrail(demo: boolean): Promise<void> {
  const ring = initAuditKeys(demo);
  const handle = await getDb();
  await ensureIdentity(handle.db, ring);
  const path = await anchorPathFor(handle);
  await anchorFile(path)
    .handle()
    .catch((err: unknown) => {
      throw new ConfigError(
        `MMP_AUDIT_ANCHOR_PATH: cannot append to the audit anchor file ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    });
}
