import { beforeAll } from "vitest";
import { useFixtureAuditKey } from "../support/audit-tamper";
import { auditTamperSuite } from "../support/audit-tamper-suite";

// The tampering matrix on SQLite (the anchor file lies next to each temp database).
beforeAll(() => useFixtureAuditKey());

auditTamperSuite("sqlite");
