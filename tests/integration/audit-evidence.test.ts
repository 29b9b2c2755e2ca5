import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { attacker, noSessionsLeft, useFixtureAuditKey } from "../support/audit-tamper";
import { createPgDatabase, type TempPg } from "../support/databases";
import { signIn } from "../support/session";
import { waitFor } from "../support/wait";
import type { Db } from "@/lib/db/client";
import type { ChainVerdict } from "@/lib/model/audit";

// The production server's view of a tampered trail: its background verifier names the first bad
// row on /audit (red banner), in /api/audit's verdict and in the metrics, on SQLite and
// PostgreSQL. The trail's rows are appended by this process with the app's key, as a second
// server process of the same deployment would; the attacker then changes the database directly.

// One anchor file for this process and both apps (each anchor names its chain).
const anchorPath = join(mkdtempSync(join(tmpdir(), "mmp-anchor-")), "audit-anchor.log");
beforeAll(() => useFixtureAuditKey(anchorPath));

describe.each(["sqlite", "postgres"] as const)("the audit page and metrics on %s", (dialect) => {
  let app: AppUnderTest;
  let pgdb: TempPg | null = null;
  let handle: Db;
  let cookie = "";
  let attack: (statements: string[]) => Promise<void>;

  beforeAll(async () => {
    if (dialect === "postgres") pgdb = await createPgDatabase();
    app = await startAppUnderTest({
      databaseUrl: pgdb?.url,
      env: { MMP_AUDIT_ANCHOR_PATH: anchorPath },
    });
    cookie = await signIn(app.url, "admin1");
    const { openDb } = await import("@/lib/db/client");
    const { appendAudit } = await import("@/lib/audit/append");
    handle = pgdb
      ? openDb({ DATABASE_URL: pgdb.url })
      : openDb({ DATABASE_URL: undefined, MMP_SQLITE_PATH: app.sqlitePath });
    attack = attacker(pgdb ? { databaseUrl: pgdb.url } : { sqlitePath: app.sqlitePath });
    for (let i = 0; i < 20; i += 1)
      await appendAudit(
        {
          actor: "trader1",
          role: "trader",
          action: "mmp.reset",
          outcome: i % 2 === 0 ? "requested" : "ok",
          accountId: "bn-main",
          scope: "BTCUSDT",
          idempotencyKey: `evidence-${dialect}-${Math.floor(i / 2)}`,
        },
        handle,
      );
  });
  afterAll(async () => {
    await handle?.db.destroy();
    await app?.stop();
    if (pgdb) {
      await noSessionsLeft(pgdb.url);
      await pgdb.drop();
    }
  });

  const verdict = async (): Promise<ChainVerdict> =>
    (
      (await (await fetch(`${app.url}/api/audit?limit=1`, { headers: { cookie } })).json()) as {
        verdict: ChainVerdict;
      }
    ).verdict;
  const banner = async () =>
    (await (await fetch(`${app.url}/audit`, { headers: { cookie } })).text())
      .replace(/<!-- -->/g, "")
      .replace(/&#x27;/g, "'");
  const metric = async (name: string) => {
    const text = await (await fetch(`${app.url}/api/metrics`, { headers: { cookie } })).text();
    return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1]);
  };
  /** Waits for the server's verdict to name `seq` (its next pass: incremental or full). */
  const named = async (seq: number) => {
    let last: ChainVerdict | null = null;
    await waitFor(async () => {
      last = await verdict();
      return last.firstBad?.seq === seq;
    }, 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; last verdict ${JSON.stringify(last)}`);
    });
  };

  it("an intact trail: a green banner, chain ok, anchored through its head", async () => {
    await waitFor(async () => {
      const v = await verdict();
      return v.ok && v.head?.seq === 20 && v.anchoredSeq === 20;
    }, 20_000);
    expect(await banner()).toMatch(/Integrity check passed: 20 rows, hash chain intact/);
    expect(await metric("mmp_audit_chain_ok")).toBe(1);
    expect(await metric("mmp_audit_first_bad_seq")).toBe(0);
    expect(await metric("mmp_audit_verified_seq")).toBe(20);
  });

  it("the last 2 rows deleted: named #19 on the page, in the API and in the metrics", async () => {
    await attack(["DELETE FROM audit_log WHERE seq > 18"]);
    await named(19);
    expect(await banner()).toMatch(
      /Integrity check FAILED at row #19: rows #19–#20 are missing: deleted from the end/,
    );
    expect(await metric("mmp_audit_chain_ok")).toBe(0);
    expect(await metric("mmp_audit_first_bad_seq")).toBe(19);
  });

  it("then two rows swapped below it: the next full pass names #9", async () => {
    await attack([
      "UPDATE audit_log SET seq = -10 WHERE seq = 10",
      "UPDATE audit_log SET seq = 10 WHERE seq = 9",
      "UPDATE audit_log SET seq = 9 WHERE seq = -10",
    ]);
    await named(9);
    expect(await banner()).toMatch(
      /Integrity check FAILED at row #9: prev_hash does not match the previous row's hash/,
    );
    expect(await metric("mmp_audit_first_bad_seq")).toBe(9);
  });

  it("then an edited row below that: #4", async () => {
    await attack(["UPDATE audit_log SET outcome = 'denied' WHERE seq = 4"]);
    await named(4);
    expect(await banner()).toMatch(
      /Integrity check FAILED at row #4: row content does not match its hash/,
    );
    expect(await metric("mmp_audit_first_bad_seq")).toBe(4);
    expect(await metric("mmp_audit_chain_ok")).toBe(0);
  });
});

describe("start-up without an audit key", () => {
  it("a real configuration without MMP_AUDIT_KEYS stops the server with one line naming it", async () => {
    const failure = await startAppUnderTest({ env: { MMP_AUDIT_KEYS: "" } }).then(
      async (app) => {
        await app.stop();
        return "started";
      },
      (err: unknown) => String(err),
    );
    expect(failure).toMatch(
      /MMP risk desk: configuration error\nMMP_AUDIT_KEYS must be set outside demo mode: it signs the audit trail/,
    );
  });
});
