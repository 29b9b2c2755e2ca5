import { beforeAll } from "vitest";
import { auditChainSuite } from "../support/audit-chain-suite";
import { useFixtureAuditKey } from "../support/audit-tamper";
import { tempSqlitePath } from "../support/databases";

beforeAll(() => {
  delete process.env.DATABASE_URL;
  process.env.MMP_SQLITE_PATH = tempSqlitePath();
  useFixtureAuditKey();
});

auditChainSuite("sqlite");
