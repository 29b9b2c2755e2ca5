import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyChain } from "@/lib/audit/verify";
import { Attempt } from "@/lib/desk/reset-audit";
import { DeniedRows, flushDenied } from "@/lib/http/denied";
import type { AuditEntry } from "@/lib/audit/append";
import { AppError } from "@/lib/platform/errors";
import type { CurrentUser } from "@/lib/model/roles";
import { waitFor } from "../support/wait";
import { TRADER, VIEWER, newKey, startResetBench, type ResetBench } from "./reset-bench";

// Issue 12, point 2: one user's flood of refused resets must not grow the audit trail without
// bound. Through the real edge, in-process: the first refusal of the user's minute gets its row,
// the rest are counted into one row written when the minute ends (here: flushed, as shutdown
// does); every refusal is still answered at once, and other users' rows are untouched.

let bench: ResetBench;

beforeAll(async () => {
  bench = await startResetBench();
  await bench.restore();
});
afterAll(() => bench?.close());

const VIEWER2: CurrentUser = { username: "viewer2", role: "viewer" };
const TRADER3: CurrentUser = { username: "trader3", role: "trader" };
const btc = () => ({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: newKey() });

describe("a flood of refused resets", () => {
  it("200 refusals of one viewer: 403 each, at most 2 rows; others keep their own rows", async () => {
    const since = await bench.lastSeq();
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 200 }, () => bench.post(btc(), VIEWER)));
    expect(answers.map((r) => r.status)).toEqual(Array(200).fill(403));
    // Past the first 20, the answers were held back (the tarpit; its steps are tested below).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);

    // Another user, meanwhile: a refusal of their own, and a trader's reset goes through.
    expect((await bench.post(btc(), VIEWER2)).status).toBe(403);
    expect((await bench.post(btc(), TRADER)).status).toBe(200);

    const during = await bench.auditSince(since);
    expect(during.filter((r) => r.actor === "viewer1")).toHaveLength(1);
    expect(during.filter((r) => r.actor === "viewer2").map((r) => r.outcome)).toEqual(["denied"]);
    expect(during.filter((r) => r.actor === "trader1").map((r) => r.outcome)).toEqual([
      "requested",
      "ok",
    ]);

    // The minute ends (shutdown flushes the same way): the other 199 become one row.
    await flushDenied();
    const rows = (await bench.auditSince(since)).filter((r) => r.actor === "viewer1");
    expect(rows.map((r) => r.outcome)).toEqual(["denied", "denied"]);
    expect(rows[0]!.detail).toBe("403 forbidden: the viewer role may not mmp.reset");
    // Refused before its body was read, the row still names what was attempted (issue 13).
    expect(rows[0]).toMatchObject({ account_id: "bn-main", scope: "BTCUSDT" });
    expect(rows[1]!.detail).toBe(
      "199 more refused attempts by viewer1 in this minute, counted rather than written one by " +
        "one (403 forbidden ×199); the last: 403 forbidden: the viewer role may not mmp.reset",
    );
    expect(rows[1]!.idempotency_key).toBeNull();
    expect((await verifyChain(bench.db)).ok).toBe(true);
  });

  it("edge refusals past the first 20 of a user's minute are answered late: +100 ms each, at most 2 s", () => {
    const rows = new DeniedRows({ windowMs: 60_000, useCaseRows: 20 });
    const attempt = () =>
      new Attempt("mmp.reset", VIEWER, { clientIp: "192.0.2.1", userAgent: "t" }, async () => {});
    const refused = new AppError("forbidden", "the viewer role may not mmp.reset");
    const delays: number[] = [];
    for (let i = 0; i < 45; i += 1) {
      void rows.record(attempt(), refused, "edge");
      delays.push(rows.delayMs("viewer1"));
    }
    expect(delays.slice(0, 20)).toEqual(Array(20).fill(0));
    expect(delays.slice(20, 23)).toEqual([100, 200, 300]);
    expect(delays.slice(39)).toEqual(Array(6).fill(2000));
    // Another user's refusals are answered at once.
    expect(rows.delayMs("viewer2")).toBe(0);
  });

  it("well-formed refusals keep their rows up to the budget (20 a minute), then are counted", async () => {
    const since = await bench.lastSeq();
    // Well-formed requests for an account that does not exist: refused by the use case.
    const keys = Array.from({ length: 30 }, () => newKey());
    for (const idempotencyKey of keys) {
      const res = await bench.post(
        { accountId: "nope", scope: "BTCUSDT", idempotencyKey },
        TRADER3,
      );
      expect(res.status).toBe(404);
    }
    const own = (await bench.auditSince(since)).filter((r) => r.actor === "trader3");
    expect(own.map((r) => r.idempotency_key)).toEqual(keys.slice(0, 20));
    await flushDenied();
    const all = (await bench.auditSince(since)).filter((r) => r.actor === "trader3");
    expect(all).toHaveLength(21);
    expect(all[20]!.detail).toMatch(
      /^10 more refused attempts by trader3 .*\(404 unknown_account ×10\)/,
    );
  });

  it("once the window has closed (flushed above), the next refusal gets its own row again", async () => {
    const since = await bench.lastSeq();
    expect((await bench.post(btc(), VIEWER)).status).toBe(403);
    expect((await bench.post(btc(), VIEWER)).status).toBe(403);
    expect((await bench.auditSince(since)).map((r) => r.actor)).toEqual(["viewer1"]);
  });
});

describe("the minute's end", () => {
  it("writes the count when the user's window closes, by itself", async () => {
    const written: AuditEntry[] = [];
    const rows = new DeniedRows({ windowMs: 150, useCaseRows: 1 });
    const attempt = () =>
      new Attempt("mmp.reset", VIEWER, { clientIp: "192.0.2.1", userAgent: "t" }, async (e) => {
        written.push(e);
      });
    const refused = new AppError("forbidden", "no");
    for (let i = 0; i < 5; i += 1) await rows.record(attempt(), refused, "edge");
    expect(written).toHaveLength(1);
    await waitFor(async () => written.length === 2, 2000);
    expect(written[1]).toMatchObject({
      actor: "viewer1",
      outcome: "denied",
      clientIp: "192.0.2.1",
      detail: expect.stringMatching(/^4 more refused attempts by viewer1 in this minute/),
    });
    // A window with nothing counted closes without a row.
    await rows.record(attempt(), refused, "edge");
    await new Promise((r) => setTimeout(r, 300));
    expect(written).toHaveLength(3);
  });
});
