import { statSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { tempSqlitePath } from "../support/databases";

// Where the audit key comes from when MMP_AUDIT_KEYS is not set: outside demo mode nowhere (the
// server stops with one line); in demo mode a key file next to the database, which a restarted
// demo reads back so that it still verifies its own old rows.

let sqlitePath = "";
beforeAll(() => {
  delete process.env.MMP_AUDIT_KEYS;
  delete process.env.DATABASE_URL;
  sqlitePath = tempSqlitePath();
  process.env.MMP_SQLITE_PATH = sqlitePath;
});

describe("the audit key without MMP_AUDIT_KEYS", () => {
  it("outside demo mode start-up refuses, naming the variable", async () => {
    const { initAuditKeys } = await import("@/lib/audit/keys");
    expect(() => initAuditKeys(false)).toThrow(/^MMP_AUDIT_KEYS must be set outside demo mode/);
  });

  it("demo mode keeps one key next to the database, readable only by its owner, and reuses it", async () => {
    const { demoKeyPath, initAuditKeys, verificationKeys } = await import("@/lib/audit/keys");
    const ring = initAuditKeys(true);
    expect(ring.source).toBe("demo-file");
    expect(demoKeyPath()).toBe(sqlitePath.replace(/mmp\.sqlite$/, "audit-demo.key"));
    expect(statSync(demoKeyPath()).mode & 0o777).toBe(0o600);
    // What a restarted demo (or verify-audit) reads: the same key.
    const again = verificationKeys();
    expect(again?.signing.id).toBe("demo");
    expect(again?.signing.secret.equals(ring.signing.secret)).toBe(true);
    expect(initAuditKeys(true).signing.secret.equals(ring.signing.secret)).toBe(true);
  });
});
