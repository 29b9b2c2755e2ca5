import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { auditChainSuite } from "../support/audit-chain-suite";
import { useFixtureAuditKey } from "../support/audit-tamper";
import { createPgDatabase, type TempPg } from "../support/databases";

let pgdb: TempPg;
beforeAll(async () => {
  pgdb = await createPgDatabase();
  process.env.DATABASE_URL = pgdb.url;
  useFixtureAuditKey(join(mkdtempSync(join(tmpdir(), "mmp-anchor-")), "audit-anchor.log"));
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).db.destroy();
  await pgdb.drop();
});

auditChainSuite("postgres");
