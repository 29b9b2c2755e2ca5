import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ResetResult } from "@/lib/model/types";
import { TRADER, newKey, startResetBench, type ResetBench } from "./reset-bench";
import { waitFor } from "../support/wait";

// What the HTTP edge and the database guarantee around a reset, on SQLite: a repeated
// idempotency key replays the first answer without a second venue call or a new audit row; the
// same key for another request is refused; two resets of one row at once make one venue call.

let bench: ResetBench;
let since = 0;

const btc = (idempotencyKey: string) => ({
  accountId: "bn-main",
  scope: "BTCUSDT",
  idempotencyKey,
});
const codeOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

beforeAll(async () => {
  bench = await startResetBench();
});
afterAll(() => bench?.close());
beforeEach(async () => {
  await bench.restore();
  since = await bench.lastSeq();
});

describe("idempotency at the edge", () => {
  it("the same key twice: one venue call, the same answer, the audit rows of one attempt", async () => {
    const key = newKey();
    const first = await bench.post(btc(key));
    const second = await bench.post(btc(key));
    expect([first.status, second.status]).toEqual([200, 200]);
    const [a, b] = [await first.text(), await second.text()];
    expect(b).toBe(a);
    expect((JSON.parse(a) as ResetResult).outcome).toBe("ok");
    expect(await bench.venueResets()).toBe(1);
    await waitFor(async () => (await bench.auditSince(since)).length === 3, 3000);
    expect((await bench.auditSince(since)).map((r) => r.outcome)).toEqual([
      "requested",
      "ok",
      "observed",
    ]);
  });

  it("a refusal replays too: the same 409 body, one `denied` row", async () => {
    const key = newKey();
    const body = { accountId: "bn-main", scope: "ETHUSDT", idempotencyKey: key };
    const first = await bench.post(body);
    const second = await bench.post(body);
    expect([first.status, second.status]).toEqual([409, 409]);
    expect(await second.text()).toBe(await first.text());
    expect((await bench.auditSince(since)).map((r) => r.outcome)).toEqual(["denied"]);
  });

  it("the same key for another reset is 422 idempotency_key_reused, with nothing sent", async () => {
    const key = newKey();
    expect((await bench.post(btc(key))).status).toBe(200);
    // Its rows, the post-reset read's included: after that nothing else may be added.
    await waitFor(async () => (await bench.auditSince(since)).length === 3, 3000);
    const rowsOfFirst = await bench.auditSince(since);
    await bench.settle();

    const otherScope = await bench.post({
      accountId: "bn-alt",
      scope: "BTCUSDT",
      idempotencyKey: key,
    });
    expect(otherScope.status).toBe(422);
    expect(await otherScope.json()).toEqual({
      error: {
        code: "idempotency_key_reused",
        message: "this idempotency key was used for another reset",
      },
    });
    const otherUser = await bench.post(btc(key), { ...TRADER, username: "trader2" });
    expect(otherUser.status).toBe(422);
    expect(await codeOf(otherUser)).toBe("idempotency_key_reused");

    expect(await bench.ctl.log()).toEqual([]);
    expect(await bench.auditSince(since)).toEqual(rowsOfFirst);
  });
});

describe("the row lock", () => {
  it("two concurrent resets of one row: one is sent, the other is reset_in_progress", async () => {
    // The venue takes a while, so the second request arrives while the first holds the lock.
    await bench.ctl.fault({ path: "/eapi/v1/mmpReset", kind: "latency", ms: 300 });
    const [k1, k2] = [newKey(), newKey()];
    const answers = await Promise.all([bench.post(btc(k1)), bench.post(btc(k2))]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = answers.find((r) => r.status === 409)!;
    expect(await codeOf(refused)).toBe("reset_in_progress");
    expect(await bench.venueResets()).toBe(1);

    await waitFor(async () => (await bench.auditSince(since)).length === 4, 3000);
    const rows = await bench.auditSince(since);
    const byKey = (k: string) => rows.filter((r) => r.idempotency_key === k).map((r) => r.outcome);
    const [sent, busy] = answers[0]!.status === 200 ? [k1, k2] : [k2, k1];
    expect(byKey(sent)).toEqual(["requested", "ok", "observed"]);
    expect(byKey(busy)).toEqual(["denied"]);
    expect(rows.find((r) => r.idempotency_key === busy)?.detail).toBe(
      "409 reset_in_progress: a reset of this row is already in progress",
    );
    expect(rows).toHaveLength(4);
  });

  it("is released after the reset, whatever its outcome", async () => {
    await bench.ctl.fault({ path: "/eapi/v1/mmpReset", kind: "status", status: 502, times: 1 });
    expect((await bench.post(btc(newKey()))).status).toBe(202);
    expect(await bench.db.db.selectFrom("row_lock").selectAll().execute()).toEqual([]);
    // The venue never acted on the 502 here, so the row is still FROZEN and may be reset again.
    expect((await bench.post(btc(newKey()))).status).toBe(200);
    expect(await bench.venueResets()).toBe(2);
  });
});
