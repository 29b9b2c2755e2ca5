import { afterAll, beforeAll } from "vitest";
import { auditChainSuite } from "../support/audit-chain-suite";
import { createPgDatabase, type TempPg } from "../support/databases";

let pgdb: TempPg;
beforeAll(async () => {
  pgdb = await createPgDatabase();
  process.env.DATABASE_URL = pgdb.url;
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).db.destroy();
  await pgdb.drop();
});

auditChainSuite("postgres");
