import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DeskSnapshot, MmpRow, ResetResult } from "@/lib/model/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { fixtureAccount } from "../support/fixtures";
import { simControl } from "../support/sim-client";
import { signIn } from "../support/session";
import { waitFor } from "../support/wait";

// The production app over HTTP, against the simulator over HTTP: the routes, their validation
// and the reset flow. Assertions on the simulator's request log prove what reached the "venue".

let app: AppUnderTest;
let ctl: ReturnType<typeof simControl>;
let n = 0;
const key = () => `test-key-${Date.now()}-${(n += 1)}`;

let cookie = "";

function post(body: unknown, init: { headers?: Record<string, string>; raw?: string } = {}) {
  return fetch(`${app.url}/api/mmp/reset`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url, cookie, ...init.headers },
    body: init.raw ?? JSON.stringify(body),
  });
}

async function snapshot(): Promise<DeskSnapshot> {
  const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as DeskSnapshot;
}
const row = (s: DeskSnapshot, id: string): MmpRow | undefined => s.rows.find((r) => r.id === id);
const resetCount = async () => (await ctl.log({ path: "/eapi/v1/mmpReset" })).length;

beforeAll(async () => {
  // No background monitor here, so "zero requests in the simulator's log" means exactly that:
  // nothing reached the venue, not even a read. (The live tests run with the monitor.)
  app = await startAppUnderTest({ env: { MMP_MONITOR: "off" } });
  ctl = simControl(app.sim.url);
  cookie = await signIn(app.url, "trader1");
});
afterAll(() => app?.stop());
// After a restore the simulator is back to its start state; wait until the app has read it, as
// a person would see a row FROZEN before clicking Reset.
beforeEach(async () => {
  await ctl.restore();
  await waitFor(async () => {
    const s = await snapshot();
    return ["bn-main/BTCUSDT", "bn-alt/BTCUSDT", "bb-main/BTC", "bb-rsa/BTC"].every(
      (id) => row(s, id)?.status === "frozen",
    );
  });
  await ctl.clearLog();
});

describe("GET /api/mmp", () => {
  it("returns every account × scope, normalised", async () => {
    const s = await snapshot();
    expect(row(s, "bn-main/BTCUSDT")).toMatchObject({
      status: "frozen",
      frozenUntil: null,
      venue: "binance",
      vegaLimit: null,
    });
    expect(row(s, "bn-main/ETHUSDT")).toMatchObject({
      status: "active",
      windowMs: 5000,
      frozenPeriodMs: 60000,
    });
    expect(row(s, "bn-main/BNBUSDT")?.status).toBe("disabled");
    expect(row(s, "bn-alt/BTCUSDT")?.status).toBe("frozen");
    expect(row(s, "bn-alt/BTCUSDT")?.frozenUntil).toBeGreaterThan(Date.now());
  });

  it("shows a wrong secret as a clear invalid-signature problem, not a crash", async () => {
    const r = row(await snapshot(), "bn-badsecret/ETHUSDT");
    expect(r?.status).toBe("unknown");
    expect(r?.problem?.message).toMatch(/invalid signature \(-1022\)/);
  });

  it("shows an account with missing env vars as misconfigured", async () => {
    const r = row(await snapshot(), "bn-missing/BTCUSDT");
    expect(r).toMatchObject({ status: "unknown", problem: { code: "misconfigured" } });
    expect(r?.problem?.message).toContain("MMP_TEST_BN_MISSING_KEY");
  });

  it("answers a wrong method with 405", async () => {
    expect(
      (await fetch(`${app.url}/api/mmp`, { method: "DELETE", headers: { cookie } })).status,
    ).toBe(405);
  });
});

describe("POST /api/mmp/reset", () => {
  it("resets a frozen row: one venue call, row ACTIVE", async () => {
    const res = await post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ResetResult;
    expect(body.outcome).toBe("ok");
    expect(body.row?.status).toBe("active");
    expect(await resetCount()).toBe(1);
    expect(row(await snapshot(), "bn-main/BTCUSDT")?.status).toBe("active");
  });

  it("refuses to reset an active row (409) and sends nothing", async () => {
    const res = await post({ accountId: "bn-main", scope: "ETHUSDT", idempotencyKey: key() });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_frozen");
    expect(await resetCount()).toBe(0);
  });

  it("a 5xx from the venue is reported as outcome unknown, with exactly one reset sent", async () => {
    await ctl.fault({ path: "/eapi/v1/mmpReset", kind: "status", status: 502 });
    const res = await post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() });
    expect(res.status).toBe(202);
    const body = (await res.json()) as ResetResult;
    expect(body.outcome).toBe("unknown");
    expect(body.message).toMatch(/Outcome unknown.*re-read still shows FROZEN/);
    expect(await resetCount()).toBe(1);
  });

  it("a hang beyond the timeout is outcome unknown, with exactly one reset sent", async () => {
    await ctl.fault({ path: "/eapi/v1/mmpReset", kind: "hang" });
    const started = Date.now();
    const res = await post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() });
    expect(res.status).toBe(202);
    expect(((await res.json()) as ResetResult).outcome).toBe("unknown");
    expect(Date.now() - started).toBeLessThan(1500 + 2500);
    expect(await resetCount()).toBe(1);
  });

  it("absorbs a venue clock 3 s behind by one re-sync (two reset requests, one accepted)", async () => {
    await snapshot();
    await ctl.skew(-3000, "binance");
    const res = await post({ accountId: "bn-alt", scope: "BTCUSDT", idempotencyKey: key() });
    expect(res.status).toBe(200);
    const resets = await ctl.log({ path: "/eapi/v1/mmpReset" });
    expect(resets.map((e) => e.status)).toEqual([400, 200]);
    await ctl.skew(0, "binance");
  });

  it("passes the venue's rejection through with its code", async () => {
    await ctl.fault({
      path: "/eapi/v1/mmpReset",
      kind: "status",
      status: 400,
      body: JSON.stringify({ code: -6040, msg: "Invalid MMP limits." }),
    });
    const res = await post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() });
    expect(res.status).toBe(502);
    const body = (await res.json()) as {
      error: { code: string; venueCode: string; message: string };
    };
    expect(body.error).toMatchObject({ code: "venue_rejected", venueCode: "-6040" });
    expect(body.error.message).toContain("Invalid MMP limits.");
  });

  it("replays the first answer for a repeated idempotency key, without a second call", async () => {
    const k = key();
    const first = await post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: k });
    const second = await post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: k });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await resetCount()).toBe(1);
  });

  it("two concurrent resets of one row make one venue call and one 'in progress'", async () => {
    await ctl.fault({ path: "/eapi/v1/mmpReset", kind: "latency", ms: 300 });
    const [a, b] = await Promise.all([
      post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() }),
      post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await resetCount()).toBe(1);
  });
});

describe("invalid input never reaches the venue", () => {
  const big = "A".repeat(10 * 1024);
  const cases: [string, () => Promise<Response>, number][] = [
    [
      "unknown account",
      () => post({ accountId: "nope", scope: "BTCUSDT", idempotencyKey: key() }),
      404,
    ],
    [
      "scope injection",
      () =>
        post({ accountId: "bn-main", scope: "BTCUSDT&underlying=ETHUSDT", idempotencyKey: key() }),
      400,
    ],
    ["empty scope", () => post({ accountId: "bn-main", scope: "", idempotencyKey: key() }), 400],
    ["10 kB scope", () => post({ accountId: "bn-main", scope: big, idempotencyKey: key() }), 413],
    [
      "scope of wrong type",
      () => post({ accountId: "bn-main", scope: 42, idempotencyKey: key() }),
      400,
    ],
    ["array body", () => post([{ accountId: "bn-main", scope: "BTCUSDT" }]), 400],
    ["missing idempotency key", () => post({ accountId: "bn-main", scope: "BTCUSDT" }), 400],
    [
      "extra field",
      () => post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key(), recvWindow: 1 }),
      400,
    ],
    ["empty body", () => post(null, { raw: "" }), 400],
    ["not JSON", () => post(null, { raw: "accountId=bn-main&scope=BTCUSDT" }), 400],
    [
      "text/plain",
      () =>
        post(
          { accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() },
          { headers: { "content-type": "text/plain" } },
        ),
      415,
    ],
    [
      "form post",
      () =>
        post(null, {
          raw: "accountId=bn-main",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        }),
      415,
    ],
    [
      "foreign origin",
      () =>
        post(
          { accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() },
          { headers: { origin: "https://evil.example" } },
        ),
      403,
    ],
    [
      "null origin",
      () =>
        post(
          { accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() },
          { headers: { origin: "null" } },
        ),
      403,
    ],
    [
      "unwatched scope",
      () => post({ accountId: "bn-main", scope: "DOGEUSDT", idempotencyKey: key() }),
      404,
    ],
    [
      "lower-case scope",
      () => post({ accountId: "bn-main", scope: "btcusdt", idempotencyKey: key() }),
      400,
    ],
    ["GET on reset", () => fetch(`${app.url}/api/mmp/reset`), 405],
  ];

  it.each(cases)("%s → %i, zero venue requests", async (_name, send, status) => {
    await ctl.clearLog();
    const res = await send();
    expect(res.status).toBe(status);
    const body = (await res.json().catch(() => null)) as {
      error?: { code: string; message: string };
    } | null;
    if (status !== 405) expect(body?.error?.code).toEqual(expect.any(String));
    expect(await ctl.log()).toHaveLength(0);
  });

  it("a misconfigured account cannot be reset (409) and nothing is sent", async () => {
    await ctl.clearLog();
    const res = await post({ accountId: "bn-missing", scope: "BTCUSDT", idempotencyKey: key() });
    expect(res.status).toBe(409);
    expect(await ctl.log()).toHaveLength(0);
  });
});

describe("Bybit on the desk", () => {
  it("shows Bybit rows next to Binance rows: frozen with countdown, DISABLED, vega limit", async () => {
    await ctl.freeze(fixtureAccount("bb-main").apiKey, "ETH");
    await waitFor(async () => row(await snapshot(), "bb-main/ETH")?.status === "frozen");
    const s = await snapshot();
    expect(new Set(s.rows.map((r) => r.venue))).toEqual(
      new Set(["binance", "bybit", "okx", "deribit"]),
    );
    expect(row(s, "bb-main/BTC")).toMatchObject({
      status: "frozen",
      frozenUntil: null,
      vegaLimit: "500000",
    });
    expect(row(s, "bb-main/ETH")?.frozenUntil).toBeGreaterThan(Date.now());
    expect(row(s, "bb-main/XRP")?.status).toBe("disabled");
    expect(row(s, "bb-notmm/BTC")).toMatchObject({
      status: "disabled",
      problem: { code: "not_enabled" },
    });
    expect(row(s, "bb-rsa/BTC")?.status).toBe("frozen");
  });

  it("resets a frozen Bybit row with one call", async () => {
    const res = await post({ accountId: "bb-main", scope: "BTC", idempotencyKey: key() });
    expect(res.status).toBe(200);
    expect(((await res.json()) as ResetResult).outcome).toBe("ok");
    // The answer does not wait for a re-read; the refreshed row follows at once.
    await waitFor(async () => row(await snapshot(), "bb-main/BTC")?.status === "active", 3000);
    expect(await ctl.log({ path: "/v5/account/mmp-reset" })).toHaveLength(1);
  });

  it("refuses to reset an ACTIVE Bybit row (it would clear its counters): 409, nothing sent", async () => {
    const res = await post({ accountId: "bb-main", scope: "SOL", idempotencyKey: key() });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_frozen");
    expect(await ctl.log({ path: "/v5/account/mmp-reset" })).toHaveLength(0);
  });

  it("absorbs a 10002 clock rejection through the app", async () => {
    await ctl.skew(-3000, "bybit");
    const res = await post({ accountId: "bb-main", scope: "BTC", idempotencyKey: key() });
    expect(res.status).toBe(200);
    const resets = await ctl.log({ path: "/v5/account/mmp-reset" });
    expect(resets.map((e) => String(e.venueCode))).toEqual(["10002", "null"]);
  });

  it("resets through an RSA-signed account", async () => {
    const res = await post({ accountId: "bb-rsa", scope: "BTC", idempotencyKey: key() });
    expect(res.status).toBe(200);
  });

  it("validates Bybit scopes strictly", async () => {
    const res = await post({
      accountId: "bb-main",
      scope: "BTC&baseCoin=ETH",
      idempotencyKey: key(),
    });
    expect(res.status).toBe(400);
    expect(await ctl.log()).toHaveLength(0);
  });
});

describe("key-pair accounts", () => {
  it("reads and resets a Binance account signed with Ed25519", async () => {
    expect(row(await snapshot(), "bn-ed25519/ETHUSDT")?.status).toBe("frozen");
    const res = await post({ accountId: "bn-ed25519", scope: "ETHUSDT", idempotencyKey: key() });
    expect(res.status).toBe(200);
    expect(((await res.json()) as ResetResult).row?.status).toBe("active");
  });
});

describe("the audit trail of resets", () => {
  interface AuditRow {
    seq: number;
    outcome: string;
    account_id: string | null;
    scope: string | null;
    idempotency_key: string | null;
    state_before: string | null;
    state_after: string | null;
    detail: string | null;
    venue_code: string | null;
    read_after: { seq: number; state: string | null } | null;
  }
  const audit = async (): Promise<{ rows: AuditRow[]; verdict: { ok: boolean } }> =>
    (await (await fetch(`${app.url}/api/audit?limit=10000`, { headers: { cookie } })).json()) as {
      rows: AuditRow[];
      verdict: { ok: boolean };
    };
  const forKey = async (k: string) =>
    (await audit()).rows.filter((r) => r.idempotency_key === k).reverse();

  it("a successful reset leaves `requested`, `ok`, then `observed` (the post-reset read), with the state before and after", async () => {
    const k = key();
    expect((await post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: k })).status).toBe(
      200,
    );
    await waitFor(async () => (await forKey(k)).length === 3, 3000);
    const rows = await forKey(k);
    expect(rows.map((r) => r.outcome)).toEqual(["requested", "ok", "observed"]);
    expect(JSON.parse(rows[0]!.state_before!)).toMatchObject({ status: "frozen" });
    // Binance's answer carries the state after; the read after confirms it.
    expect(JSON.parse(rows[1]!.state_after!)).toMatchObject({ status: "active" });
    expect(JSON.parse(rows[2]!.state_before!)).toMatchObject({ status: "frozen" });
    expect(JSON.parse(rows[2]!.state_after!)).toMatchObject({ status: "active" });
  });

  it("a venue whose answer has no state (Bybit): the `ok` row shows what the read after found", async () => {
    const k = key();
    expect((await post({ accountId: "bb-main", scope: "BTC", idempotencyKey: k })).status).toBe(
      200,
    );
    await waitFor(async () => (await forKey(k)).some((r) => r.outcome === "observed"), 3000);
    const rows = await forKey(k);
    const ok = rows.find((r) => r.outcome === "ok")!;
    const observed = rows.find((r) => r.outcome === "observed")!;
    expect(ok.state_after).toBeNull();
    expect(ok.read_after?.seq).toBe(observed.seq);
    expect(JSON.parse(ok.read_after!.state!)).toMatchObject({ scope: "BTC", status: "active" });
    expect((await audit()).verdict.ok).toBe(true);
  });

  it("a hang leaves `requested` + `unknown` and the chain still verifies", async () => {
    await ctl.fault({ path: "/eapi/v1/mmpReset", kind: "hang" });
    const k = key();
    expect((await post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: k })).status).toBe(
      202,
    );
    expect((await forKey(k)).map((r) => r.outcome)).toEqual(["requested", "unknown", "resolved"]);
    expect((await audit()).verdict.ok).toBe(true);
  });

  it("a venue rejection leaves `requested` + `rejected` with the venue code", async () => {
    await ctl.fault({
      path: "/eapi/v1/mmpReset",
      kind: "status",
      status: 400,
      body: JSON.stringify({ code: -6040, msg: "bad" }),
    });
    const k = key();
    await post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: k });
    const rows = await forKey(k);
    expect(rows.map((r) => r.outcome)).toEqual(["requested", "rejected"]);
    expect(rows[1]?.venue_code).toBe("-6040");
  });

  it("a refused attempt leaves one `denied` row and no `requested`", async () => {
    const k = key();
    expect((await post({ accountId: "bn-main", scope: "ETHUSDT", idempotencyKey: k })).status).toBe(
      409,
    );
    const rows = await forKey(k);
    expect(rows.map((r) => r.outcome)).toEqual(["denied"]);
    expect(rows[0]?.detail).toMatch(/not_frozen/);
  });

  it("an idempotent replay adds no rows", async () => {
    const k = key();
    await post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: k });
    await waitFor(async () => (await forKey(k)).length === 3, 3000);
    await post({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: k });
    expect((await forKey(k)).map((r) => r.outcome)).toEqual(["requested", "ok", "observed"]);
  });

  it("pages through the trail newest first with a `before` cursor; the page links it", async () => {
    type Page = { rows: { seq: number }[] };
    const page = async (q: string) =>
      ((await (await fetch(`${app.url}/api/audit?${q}`, { headers: { cookie } })).json()) as Page)
        .rows;
    const first = await page("limit=3");
    expect(first).toHaveLength(3);
    const next = await page(`limit=3&before=${first[2]!.seq}`);
    expect(next.length).toBeGreaterThan(0);
    expect(next[0]!.seq).toBeLessThan(first[2]!.seq);
    expect(next.map((r) => r.seq)).toEqual([...next.map((r) => r.seq)].sort((a, b) => b - a));
    // The audit page offers the next page with the same filters, and the way back.
    const html = await (await fetch(`${app.url}/audit?limit=3`, { headers: { cookie } })).text();
    expect(html).toContain(`href="/audit?limit=3&amp;before=${first[2]!.seq}"`);
    const older = await (
      await fetch(`${app.url}/audit?limit=3&before=${first[2]!.seq}`, { headers: { cookie } })
    ).text();
    expect(older).toMatch(/href="\/audit\?limit=3"[^>]*>Newest rows/);
  });

  it("exports CSV with the hashes", async () => {
    const res = await fetch(`${app.url}/api/audit?format=csv`, { headers: { cookie } });
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    const text = await res.text();
    expect(text.split("\r\n")[0]).toMatch(/^seq,at,actor,.*,prev_hash,hash$/);
    expect(text).toMatch(/[0-9a-f]{64}\r\n/);
  });
});

describe("OKX and Deribit on the desk", () => {
  it("show the right units and n/a where the venue has no such limit", async () => {
    const s = await snapshot();
    expect(row(s, "okx-main/BTC-USD")).toMatchObject({
      status: "frozen",
      frozenUntil: null,
      frozenPeriodMs: 0,
      qtyLimit: "100",
      deltaLimit: null,
      vegaLimit: null,
    });
    expect(row(s, "okx-main/ETH-USD")).toMatchObject({
      status: "active",
      windowMs: 5000,
      frozenPeriodMs: 30000,
    });
    // Deribit speaks seconds: interval 5 must show as 5 000 ms, not 5 ms.
    expect(row(s, "deribit-main/eth_usd")).toMatchObject({
      status: "active",
      windowMs: 5000,
      frozenPeriodMs: 60000,
      vegaLimit: "20000",
    });
    expect(row(s, "deribit-main/btc_usd")).toMatchObject({ status: "frozen", frozenUntil: null });
    expect(row(s, "deribit-main/btc_usd/mm1")).toMatchObject({ status: "frozen", windowMs: 10000 });
  });

  it.each([
    ["okx-main", "BTC-USD", "/api/v5/account/mmp-reset"],
    ["deribit-main", "btc_usd", "/api/v2/private/reset_mmp"],
    ["deribit-main", "btc_usd/mm1", "/api/v2/private/reset_mmp"],
  ])("resets %s %s with one venue call", async (accountId, scope, path) => {
    const res = await post({ accountId, scope, idempotencyKey: key() });
    expect(res.status).toBe(200);
    expect(((await res.json()) as ResetResult).outcome).toBe("ok");
    await waitFor(
      async () => row(await snapshot(), `${accountId}/${scope}`)?.status === "active",
      3000,
    );
    expect(await ctl.log({ path })).toHaveLength(1);
  });

  it("validates OKX and Deribit scopes strictly", async () => {
    for (const [accountId, scope] of [
      ["okx-main", "BTC-USD&instFamily=ETH-USD"],
      ["deribit-main", "BTC_USD"],
      ["deribit-main", "btc_usd/../x"],
    ]) {
      expect((await post({ accountId, scope, idempotencyKey: key() })).status).toBe(400);
    }
    expect(await ctl.log()).toHaveLength(0);
  });
});
