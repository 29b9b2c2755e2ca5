import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll } from "vitest";
import { useFixtureAuditKey } from "../support/audit-tamper";
import { auditTamperSuite } from "../support/audit-tamper-suite";

// The tampering matrix on PostgreSQL: one anchor file for every temp database, as several
// databases on one host would share ./data/audit-anchor.log (each anchor names its chain).
beforeAll(() =>
  useFixtureAuditKey(join(mkdtempSync(join(tmpdir(), "mmp-anchor-")), "audit-anchor.log")),
);

auditTamperSuite("postgres");
