import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator } from "@/simulator";
import type { SimHandle, SimOptions } from "@/simulator/types";

// Talks to the simulator over real HTTP exactly like a Bybit v5 client would. Signing is written
// inline on purpose: the simulator must be checked against the venue's rules, not against the
// app's own signer.

const KEY_A = "bybitKeyAlpha01";
const SECRET_A = "secret-alpha";
const KEY_OFF = "bybitKeyNoMmp01";
const KEY_BN = "binanceKeyAlpha01";

// Known-answer vectors of docs/venues.md#bybit-signing (computed with independent signers).
const VECTOR = {
  key: "key",
  secret: "secretsecret",
  timestamp: 1675842997277,
  getQuery: "baseCoin=ETH",
  getSign: "6a30210f526f4eb6d2f22f80ab8c6445581d87f519e8cadc338949c18c7f9259",
  postBody: '{"baseCoin":"ETH"}',
  postSign: "962d16b8b49f326b68cd4a58f1038c0cf1981f20615daabe6ebdf27ac4c966e2",
};

const OPTIONS: SimOptions = {
  accounts: [
    {
      id: "by-a",
      venue: "bybit",
      apiKey: KEY_A,
      secret: SECRET_A,
      scopes: [
        {
          scope: "BTC",
          windowMs: 5000,
          frozenPeriodMs: 100_000,
          qtyLimit: "0.01",
          deltaLimit: "0.01",
          vegaLimit: "500000",
        },
        {
          scope: "ETH",
          windowMs: 5000,
          frozenPeriodMs: 0,
          qtyLimit: "5",
          deltaLimit: "4",
          vegaLimit: "1000",
          triggeredAt: "now",
        },
        {
          scope: "SOL",
          windowMs: 3000,
          frozenPeriodMs: 0,
          qtyLimit: "1",
          deltaLimit: "1",
          enabled: false,
        },
        // An older account's coin: no vega limit at all.
        { scope: "XRP", windowMs: 3000, frozenPeriodMs: 30_000, qtyLimit: "9", deltaLimit: "8" },
      ],
    },
    {
      id: "by-vector",
      venue: "bybit",
      apiKey: VECTOR.key,
      secret: VECTOR.secret,
      scopes: [
        {
          scope: "ETH",
          windowMs: 5000,
          frozenPeriodMs: 0,
          qtyLimit: "1",
          deltaLimit: "1",
          triggeredAt: "now",
        },
      ],
    },
    {
      id: "by-no-mmp",
      venue: "bybit",
      apiKey: KEY_OFF,
      secret: "secret-off",
      mmpEnabled: false,
      scopes: [
        { scope: "DOGE", windowMs: 5000, frozenPeriodMs: 100, qtyLimit: "1", deltaLimit: "1" },
      ],
    },
    {
      id: "bn-a",
      venue: "binance",
      apiKey: KEY_BN,
      secret: "secret-binance",
      scopes: [
        { scope: "BTCUSDT", windowMs: 3000, frozenPeriodMs: 0, qtyLimit: "1", deltaLimit: "1" },
      ],
    },
  ],
};

const hmac = (secret: string, payload: string) =>
  createHmac("sha256", secret).update(payload).digest("hex");

interface SignedOpts {
  key?: string | null;
  secret?: string;
  timestamp?: number;
  /** Header value; null = header omitted. */
  recvWindow?: string | null;
  /** Applied to the query / body / sign after signing. */
  tamperQuery?: (q: string) => string;
  tamperBody?: (b: string) => string;
  tamperSign?: (s: string) => string;
  /** Overrides headers after signing; null removes the header. */
  tamperHeaders?: Record<string, string | null>;
  signal?: AbortSignal;
}

let sim: SimHandle;

/** Signed string = timestamp + key + recvWindow + (query for GET | raw body for POST). */
function signed(method: "GET" | "POST", path: string, payload: string, o: SignedOpts = {}) {
  const key = o.key === undefined ? KEY_A : o.key;
  const ts = String(o.timestamp ?? Date.now());
  const rw = o.recvWindow === undefined ? "5000" : o.recvWindow;
  const sign = hmac(o.secret ?? SECRET_A, `${ts}${key ?? ""}${rw ?? ""}${payload}`);
  const headers: Record<string, string> = {
    "X-BAPI-TIMESTAMP": ts,
    "X-BAPI-SIGN": o.tamperSign?.(sign) ?? sign,
  };
  if (key !== null) headers["X-BAPI-API-KEY"] = key;
  if (rw !== null) headers["X-BAPI-RECV-WINDOW"] = rw;
  for (const [name, value] of Object.entries(o.tamperHeaders ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  if (method === "GET") {
    const q = o.tamperQuery?.(payload) ?? payload;
    return fetch(`${sim.url}${path}${q ? `?${q}` : ""}`, { headers, signal: o.signal });
  }
  headers["Content-Type"] = "application/json";
  const body = o.tamperBody?.(payload) ?? payload;
  return fetch(`${sim.url}${path}`, { method, headers, body, signal: o.signal });
}

const getState = (baseCoin: string, o: SignedOpts = {}) =>
  signed("GET", "/v5/account/mmp-state", `baseCoin=${baseCoin}`, o);
const reset = (baseCoin: string, o: SignedOpts = {}) =>
  signed("POST", "/v5/account/mmp-reset", JSON.stringify({ baseCoin }), o);
const modify = (body: Record<string, unknown>, o: SignedOpts = {}) =>
  signed("POST", "/v5/account/mmp-modify", JSON.stringify(body), o);

interface Envelope<T = unknown> {
  retCode: number;
  retMsg: string;
  result: T;
  retExtInfo: Record<string, never>;
  time: number;
}
type MmpEntry = Record<string, string | boolean>;

const json = async <T = unknown>(res: Response) => (await res.json()) as Envelope<T>;
const retCode = async (res: Response) => (await json(res)).retCode;
async function entryOf(baseCoin: string, o: SignedOpts = {}): Promise<MmpEntry | undefined> {
  const body = await json<{ result: MmpEntry[] }>(await getState(baseCoin, o));
  expect(body.retCode).toBe(0);
  return body.result.result[0];
}

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}/__sim/${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface ScopeView {
  scope: string;
  enabled: boolean;
  frozen: boolean;
  frozenUntil: number | null;
  lastTriggerTime: number;
  lastResetAt: number | null;
  windowMs: number;
  frozenPeriodMs: number;
  qtyLimit: string;
  vegaLimit: string | null;
  fillCount: number;
  counterResets: number;
}
async function scopeState(apiKey: string, scope: string, url = sim.url): Promise<ScopeView> {
  const res = await fetch(`${url}/__sim/state`);
  const accounts = ((await res.json()) as { accounts: { apiKey: string; scopes: ScopeView[] }[] })
    .accounts;
  const found = accounts.find((a) => a.apiKey === apiKey)?.scopes.find((s) => s.scope === scope);
  if (!found) throw new Error(`no scope ${scope}`);
  return found;
}

interface LogView {
  venue: string;
  path: string;
  method: string;
  status: number | null;
  venueCode: number | null;
  fault: string | null;
  apiKey: string | null;
  query: string;
  body: string | null;
}
async function logEntries(query = ""): Promise<LogView[]> {
  return (await control("GET", `log${query}`)).json.entries as LogView[];
}

async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const flipLast = (s: string) => s.replace(/.$/, (c) => (c === "0" ? "1" : "0"));

beforeAll(async () => {
  sim = await startSimulator(OPTIONS);
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  expect((await control("POST", "restore")).status).toBe(200);
});

describe("known-answer vectors", () => {
  it("the inline signer reproduces the venues.md Bybit vectors", () => {
    const prefix = `${VECTOR.timestamp}${VECTOR.key}5000`;
    expect(hmac(VECTOR.secret, `${prefix}${VECTOR.getQuery}`)).toBe(VECTOR.getSign);
    expect(hmac(VECTOR.secret, `${prefix}${VECTOR.postBody}`)).toBe(VECTOR.postSign);
  });

  it("the simulator accepts both vectors byte for byte (clock skewed to their timestamp)", async () => {
    await control("POST", "clock", { venue: "bybit", skewMs: VECTOR.timestamp - Date.now() + 100 });
    const headers = {
      "X-BAPI-API-KEY": VECTOR.key,
      "X-BAPI-TIMESTAMP": String(VECTOR.timestamp),
      "X-BAPI-RECV-WINDOW": "5000",
    };
    const get = await fetch(`${sim.url}/v5/account/mmp-state?${VECTOR.getQuery}`, {
      headers: { ...headers, "X-BAPI-SIGN": VECTOR.getSign },
    });
    const state = await json<{ result: MmpEntry[] }>(get);
    expect(state.retCode).toBe(0);
    expect(state.result.result[0]).toMatchObject({ baseCoin: "ETH", mmpFrozen: true });

    const post = await fetch(`${sim.url}/v5/account/mmp-reset`, {
      method: "POST",
      headers: { ...headers, "X-BAPI-SIGN": VECTOR.postSign, "Content-Type": "application/json" },
      body: VECTOR.postBody,
    });
    expect(await json(post)).toMatchObject({ retCode: 0, retMsg: "success" });
    expect((await scopeState(VECTOR.key, "ETH")).frozen).toBe(false);
  });
});

describe("public endpoints", () => {
  it("serves the server time with `time` at top level", async () => {
    const before = Date.now();
    const res = await fetch(`${sim.url}/v5/market/time`);
    expect(res.status).toBe(200);
    const body = await json<{ timeSecond: string; timeNano: string }>(res);
    expect(body).toMatchObject({ retCode: 0, retMsg: "OK", retExtInfo: {} });
    expect(body.time).toBeGreaterThanOrEqual(before - 5);
    expect(body.time).toBeLessThanOrEqual(Date.now() + 5);
    expect(body.result.timeSecond).toBe(String(Math.floor(body.time / 1000)));
    expect(body.result.timeNano).toMatch(/^\d{19}$/);
    expect(res.headers.get("x-bapi-limit")).toBeNull();
  });

  it("lists option instruments for every configured Bybit baseCoin", async () => {
    const res = await fetch(`${sim.url}/v5/market/instruments-info?category=option`);
    const body = await json<{
      category: string;
      list: Record<string, string>[];
      nextPageCursor: string;
    }>(res);
    expect(body.retCode).toBe(0);
    expect(body.result.category).toBe("option");
    expect(body.result.nextPageCursor).toBe("");
    expect([...new Set(body.result.list.map((i) => i.baseCoin))].sort()).toEqual([
      "BTC",
      "DOGE",
      "ETH",
      "SOL",
      "XRP",
    ]);
    const btcCall = body.result.list.find((i) => i.baseCoin === "BTC" && i.optionsType === "Call");
    expect(btcCall).toMatchObject({ quoteCoin: "USDT", settleCoin: "USDT", status: "Trading" });
    expect(btcCall?.symbol).toMatch(/^BTC-\d{1,2}[A-Z]{3}\d{2}-100000-C$/);
    expect(Number(btcCall?.deliveryTime)).toBeGreaterThan(Date.now());

    const eth = await json<{ list: { baseCoin: string }[] }>(
      await fetch(`${sim.url}/v5/market/instruments-info?category=option&baseCoin=ETH`),
    );
    expect(eth.result.list.map((i) => i.baseCoin)).toEqual(["ETH", "ETH"]);
    const noCategory = await fetch(`${sim.url}/v5/market/instruments-info`);
    expect(noCategory.status).toBe(200);
    expect(await retCode(noCategory)).toBe(10001);
  });

  it("answers unknown paths 404 and wrong methods 405 in the envelope", async () => {
    const missing = await fetch(`${sim.url}/v5/account/nope`);
    expect(missing.status).toBe(404);
    expect(await retCode(missing)).toBe(10001);
    expect((await fetch(`${sim.url}/v5/account/mmp-reset`)).status).toBe(405);
  });
});

describe("signing and authentication", () => {
  it("accepts a signed GET, answers the nested shape and sends rate-limit headers", async () => {
    const res = await getState("BTC");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("x-bapi-limit")).toBe("10");
    expect(Number(res.headers.get("x-bapi-limit-status"))).toBeLessThan(10);
    expect(Number(res.headers.get("x-bapi-limit-reset-timestamp"))).toBeGreaterThan(0);
    const body = await json(res);
    expect(body).toEqual({
      retCode: 0,
      retMsg: "OK",
      result: {
        result: [
          {
            baseCoin: "BTC",
            mmpEnabled: true,
            window: "5000",
            frozenPeriod: "100000",
            qtyLimit: "0.01",
            deltaLimit: "0.01",
            vegaLimit: "500000",
            mmpFrozenUntil: "0",
            mmpFrozen: false,
          },
        ],
      },
      retExtInfo: {},
      time: expect.any(Number),
    });
  });

  it("accepts a signed POST with the raw JSON body", async () => {
    const res = await reset("ETH");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      retCode: 0,
      retMsg: "success",
      result: {},
      retExtInfo: {},
      time: expect.any(Number),
    });
  });

  // Options are built per test so timestamps are fresh when the request goes out.
  it.each<[string, string, () => SignedOpts]>([
    ["query byte", "baseCoin=BTC", () => ({ tamperQuery: (q) => q.replace("BTC", "BTc") })],
    ["query order", "baseCoin=BTC&x=1", () => ({ tamperQuery: () => "x=1&baseCoin=BTC" })],
    ["sign", "baseCoin=BTC", () => ({ tamperSign: flipLast })],
    ["secret", "baseCoin=BTC", () => ({ secret: "not-the-secret" })],
    [
      "recv window header",
      "baseCoin=BTC",
      () => ({ tamperHeaders: { "X-BAPI-RECV-WINDOW": "5001" } }),
    ],
    [
      "recv window dropped",
      "baseCoin=BTC",
      () => ({ tamperHeaders: { "X-BAPI-RECV-WINDOW": null } }),
    ],
    [
      "timestamp header",
      "baseCoin=BTC",
      () => ({
        timestamp: Date.now() - 1,
        tamperHeaders: { "X-BAPI-TIMESTAMP": String(Date.now()) },
      }),
    ],
  ])("GET with a tampered %s → 10004", async (_name, payload, opts) => {
    const res = await signed("GET", "/v5/account/mmp-state", payload, opts());
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.retCode).toBe(10004);
    expect(body.retMsg).toMatch(/^error sign!/);
  });

  it("POST with one changed body byte → 10004, even when the JSON means the same", async () => {
    for (const tamperBody of [
      (b: string) => b.replace("ETH", "ETh"),
      (b: string) => b.replace(":", ": "),
    ]) {
      expect(await retCode(await reset("ETH", { tamperBody }))).toBe(10004);
    }
    expect((await scopeState(KEY_A, "ETH")).frozen).toBe(true);
  });

  it("without X-BAPI-RECV-WINDOW the signed string carries nothing in its place", async () => {
    expect(await retCode(await getState("BTC", { recvWindow: null }))).toBe(0);
  });

  it("rejects a missing, unknown or other-venue API key with 10003", async () => {
    for (const key of [null, "unknownKey123", KEY_BN]) {
      const res = await getState("BTC", { key });
      expect(res.status).toBe(200);
      expect(await json(res)).toMatchObject({ retCode: 10003, retMsg: "API key is invalid." });
    }
  });

  it("accepts only serverTime - recvWindow <= timestamp < serverTime + 1000", async () => {
    const tooOld = await json(await getState("BTC", { timestamp: Date.now() - 6000 }));
    expect(tooOld.retCode).toBe(10002);
    expect(tooOld.retMsg).toMatch(
      /^invalid request, please check your server timestamp or recv_window param/,
    );
    expect(await retCode(await getState("BTC", { timestamp: Date.now() + 1500 }))).toBe(10002);
    expect(await retCode(await getState("BTC", { timestamp: Date.now() + 500 }))).toBe(0);
    const wide = { timestamp: Date.now() - 6000, recvWindow: "10000" };
    expect(await retCode(await getState("BTC", wide))).toBe(0);
  });

  it("the bybit clock skew moves /v5/market/time and the timestamp check", async () => {
    expect((await control("POST", "clock", { venue: "bybit", skewMs: 120_000 })).status).toBe(200);
    const { time } = await json(await fetch(`${sim.url}/v5/market/time`));
    expect(time - Date.now()).toBeGreaterThan(110_000);
    expect(await retCode(await getState("BTC"))).toBe(10002);
    expect(await retCode(await getState("BTC", { timestamp: time }))).toBe(0);
    const { json: state } = await control("GET", "state");
    expect(state.clocks).toMatchObject({ bybit: { skewMs: 120_000 }, binance: { skewMs: 0 } });
  });

  it("rate-limits mmp-reset at 5 per second with 10006 and the limit headers", async () => {
    // Start early in a second so all six land in the same rate-limit second.
    await waitFor(async () => Date.now() % 1000 < 300);
    const answers = await Promise.all(Array.from({ length: 6 }, () => reset("BTC")));
    const codes = await Promise.all(answers.map(retCode));
    expect(codes.filter((c) => c === 0)).toHaveLength(5);
    expect(codes.filter((c) => c === 10006)).toHaveLength(1);
    const limited = answers[codes.indexOf(10006)];
    expect(limited?.status).toBe(200);
    expect(limited?.headers.get("x-bapi-limit")).toBe("5");
    expect(limited?.headers.get("x-bapi-limit-status")).toBe("0");
    expect(Number(limited?.headers.get("x-bapi-limit-reset-timestamp")) % 1000).toBe(0);
  });
});

describe("MMP semantics", () => {
  it("freeze → mmpFrozen with mmpFrozenUntil = trigger + frozenPeriod", async () => {
    const frozen = await control("POST", "freeze", { apiKey: KEY_A, scope: "BTC" });
    expect(frozen.json).toMatchObject({ frozen: true });
    const state = await scopeState(KEY_A, "BTC");
    const entry = await entryOf("BTC");
    expect(entry).toMatchObject({ mmpFrozen: true, mmpEnabled: true });
    expect(entry?.mmpFrozenUntil).toBe(String(state.lastTriggerTime + 100_000));
    expect(state.frozenUntil).toBe(state.lastTriggerTime + 100_000);
  });

  it('a manual-reset freeze (frozenPeriod 0) reports mmpFrozenUntil "0"', async () => {
    expect(await entryOf("ETH")).toMatchObject({
      mmpFrozen: true,
      frozenPeriod: "0",
      mmpFrozenUntil: "0",
    });
  });

  it("reset unfreezes", async () => {
    expect(await retCode(await reset("ETH"))).toBe(0);
    expect(await entryOf("ETH")).toMatchObject({ mmpFrozen: false, mmpFrozenUntil: "0" });
    expect(await scopeState(KEY_A, "ETH")).toMatchObject({ frozen: false, frozenUntil: null });
  });

  it("reset on an active scope still clears the counters", async () => {
    const before = await scopeState(KEY_A, "BTC");
    expect(before).toMatchObject({ frozen: false, counterResets: 0, lastResetAt: null });
    expect(await retCode(await reset("BTC"))).toBe(0);
    const after = await scopeState(KEY_A, "BTC");
    expect(after).toMatchObject({ frozen: false, counterResets: 1, fillCount: 0 });
    expect(after.lastResetAt).toEqual(expect.any(Number));
  });

  it("keeps the last mmpFrozenUntil after a timed freeze has expired", async () => {
    await control("POST", "scope", { apiKey: KEY_A, scope: "XRP", frozenPeriodMs: 200 });
    await control("POST", "freeze", { apiKey: KEY_A, scope: "XRP" });
    const { lastTriggerTime } = await scopeState(KEY_A, "XRP");
    // Poll the control API, not mmp-state: the venue endpoint is rate-limited at 10/s.
    await waitFor(async () => !(await scopeState(KEY_A, "XRP")).frozen);
    const expired = await entryOf("XRP");
    expect(expired?.mmpFrozen).toBe(false);
    expect(expired?.mmpFrozenUntil).toBe(String(lastTriggerTime + 200));
  });

  it("a disabled scope reports mmpEnabled false and refuses reset and modify", async () => {
    expect(await entryOf("SOL")).toEqual({
      baseCoin: "SOL",
      mmpEnabled: false,
      window: "3000",
      frozenPeriod: "0",
      qtyLimit: "1",
      deltaLimit: "1",
      mmpFrozenUntil: "0",
      mmpFrozen: false,
    });
    expect(await retCode(await reset("SOL"))).toBe(110065);
    const cfg = { window: "5000", frozenPeriod: "0", qtyLimit: "1", deltaLimit: "1" };
    expect(await retCode(await modify({ baseCoin: "SOL", ...cfg }))).toBe(110065);
  });

  it("omits vegaLimit when the scope has none", async () => {
    const entry = await entryOf("XRP");
    expect(entry).toBeDefined();
    expect(entry).not.toHaveProperty("vegaLimit");
  });

  it("answers an empty list for a baseCoin without MMP and 10001 without baseCoin", async () => {
    const body = await json<{ result: unknown[] }>(await getState("ADA"));
    expect(body).toMatchObject({ retCode: 0, result: { result: [] } });
    expect(await retCode(await signed("GET", "/v5/account/mmp-state", ""))).toBe(10001);
  });

  it("an account without MMP answers every mmp-* call with 3500713 (HTTP 200)", async () => {
    const o = { key: KEY_OFF, secret: "secret-off" };
    const cfg = {
      baseCoin: "DOGE",
      window: "5000",
      frozenPeriod: "0",
      qtyLimit: "1",
      deltaLimit: "1",
    };
    for (const res of [await getState("DOGE", o), await reset("DOGE", o), await modify(cfg, o)]) {
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({
        retCode: 3500713,
        retMsg: "mmp is not enabled for this account",
        result: {},
        retExtInfo: {},
        time: expect.any(Number),
      });
    }
  });

  it("mmp-modify changes the config and keeps vegaLimit when omitted", async () => {
    const res = await modify({
      baseCoin: "BTC",
      window: "3000",
      frozenPeriod: "0",
      qtyLimit: "2.5",
      deltaLimit: "3",
    });
    expect(await json(res)).toMatchObject({ retCode: 0, retMsg: "success", result: {} });
    expect(await entryOf("BTC")).toMatchObject({
      window: "3000",
      frozenPeriod: "0",
      qtyLimit: "2.5",
      deltaLimit: "3",
      vegaLimit: "500000",
    });
    const vega = {
      baseCoin: "BTC",
      window: "3000",
      frozenPeriod: "0",
      qtyLimit: "1",
      deltaLimit: "1",
      vegaLimit: "42",
    };
    expect(await retCode(await modify(vega))).toBe(0);
    expect((await scopeState(KEY_A, "BTC")).vegaLimit).toBe("42");
  });

  it.each([
    ["window 0", { window: "0" }],
    ["a numeric window", { window: 3000 }],
    ["three decimals", { qtyLimit: "0.001" }],
    ["a zero limit", { deltaLimit: "0" }],
    ["a bad vegaLimit", { vegaLimit: "-1" }],
    ["no frozenPeriod", { frozenPeriod: undefined }],
  ])("mmp-modify rejects %s with 10001", async (_name, patch) => {
    const body = {
      baseCoin: "BTC",
      window: "3000",
      frozenPeriod: "0",
      qtyLimit: "1",
      deltaLimit: "1",
      ...patch,
    };
    expect(await retCode(await modify(body))).toBe(10001);
    expect((await scopeState(KEY_A, "BTC")).windowMs).toBe(5000);
  });
});

describe("faults", () => {
  const fault = (spec: Record<string, unknown>) => control("POST", "faults", spec);

  it("status 500 answers a Bybit body; apply:true performs the reset, otherwise not", async () => {
    await fault({ venue: "bybit", kind: "status", status: 500, path: "/v5/account/mmp-reset" });
    const failed = await reset("ETH");
    expect(failed.status).toBe(500);
    expect(await retCode(failed)).toBe(10016);
    expect((await scopeState(KEY_A, "ETH")).frozen).toBe(true);

    await fault({ kind: "status", status: 500, path: "/v5/account/mmp-reset", apply: true });
    expect((await reset("ETH")).status).toBe(500);
    expect((await scopeState(KEY_A, "ETH")).frozen).toBe(false);
  });

  it("429 answers retCode 10006 with Retry-After; 403 is the plain-text IP ban", async () => {
    await fault({ venue: "bybit", kind: "status", status: 429, retryAfterSec: 3, apiKey: KEY_A });
    const limited = await getState("BTC");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(await json(limited)).toMatchObject({ retCode: 10006, retMsg: "Too many visits!" });

    await fault({ venue: "bybit", kind: "status", status: 403 });
    const banned = await getState("BTC");
    expect(banned.status).toBe(403);
    expect(await banned.text()).toMatch(/access too frequent/);
    expect((await getState("BTC")).status).toBe(200);
  });

  it("a bybit fault does not touch Binance requests", async () => {
    await fault({ venue: "bybit", kind: "status", status: 503, times: 0 });
    expect((await fetch(`${sim.url}/eapi/v1/time`)).status).toBe(200);
    expect((await fetch(`${sim.url}/v5/market/time`)).status).toBe(503);
  });

  it("hang never answers (client aborts) but apply:true still resets", async () => {
    await fault({ venue: "bybit", kind: "hang", path: "/v5/account/mmp-reset", apply: true });
    const hung = reset("ETH", { signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow(/abort|timeout/i);
    expect((await scopeState(KEY_A, "ETH")).frozen).toBe(false);
    const [entry] = await logEntries("?path=/v5/account/mmp-reset");
    expect(entry).toMatchObject({ venue: "bybit", fault: "hang", status: null });
  }, 10_000);

  it("drop resets the connection", async () => {
    await fault({ venue: "bybit", kind: "drop", path: "/v5/account/mmp-state" });
    await expect(getState("BTC")).rejects.toThrow();
    expect((await getState("BTC")).status).toBe(200);
  });

  it("bad-json answers 200 with truncated JSON", async () => {
    await fault({ venue: "bybit", kind: "bad-json", path: "/v5/account/mmp-state", apply: true });
    const res = await getState("BTC");
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });
});

describe("request log", () => {
  it("records Bybit requests with venue bybit and venueCode = retCode when not 0", async () => {
    await getState("BTC");
    await getState("BTC", { key: "unknownKey123" });
    await getState("BTC", { secret: "wrong" });
    await getState("BTC", { timestamp: Date.now() - 60_000 });
    await getState("DOGE", { key: KEY_OFF, secret: "secret-off" });
    await control("POST", "faults", { venue: "bybit", kind: "status", status: 503 });
    await getState("BTC");

    const entries = await logEntries("?path=/v5/account/mmp-state&method=get");
    expect(entries.map((e) => [e.venue, e.status, e.venueCode, e.fault])).toEqual([
      ["bybit", 200, null, null],
      ["bybit", 200, 10003, null],
      ["bybit", 200, 10004, null],
      ["bybit", 200, 10002, null],
      ["bybit", 200, 3500713, null],
      ["bybit", 503, 10016, "status"],
    ]);
    expect(entries[0]).toMatchObject({
      apiKey: KEY_A,
      method: "GET",
      query: "baseCoin=BTC",
      body: null,
    });
    await reset("ETH");
    const [post] = await logEntries("?path=/v5/account/mmp-reset");
    expect(post?.body).toBe('{"baseCoin":"ETH"}');
    expect(JSON.stringify(await logEntries())).not.toContain(SECRET_A);
    expect((await logEntries("?venue=bybit")).length).toBe(7);
  });
});

describe("control API and lifecycle", () => {
  it("restore brings back Bybit state, skew and rate-limit counters", async () => {
    await control("POST", "freeze", { apiKey: KEY_A, scope: "BTC" });
    await control("POST", "scope", { apiKey: KEY_A, scope: "SOL", enabled: true, qtyLimit: "7" });
    await control("POST", "clock", { venue: "bybit", skewMs: 50_000 });
    expect(await retCode(await getState("BTC"))).toBe(10002);

    expect((await control("POST", "restore")).status).toBe(200);
    expect(await entryOf("BTC")).toMatchObject({ mmpFrozen: false });
    expect(await entryOf("SOL")).toMatchObject({ mmpEnabled: false, qtyLimit: "1" });
  });

  it("scope patch and /__sim/state report Bybit accounts", async () => {
    const patched = await control("POST", "scope", { apiKey: KEY_A, scope: "SOL", enabled: true });
    expect(patched.status).toBe(200);
    expect(await entryOf("SOL")).toMatchObject({ mmpEnabled: true });
    const { json: state } = await control("GET", "state");
    const accounts = state.accounts as {
      id: string;
      venue: string;
      mmpEnabled: boolean;
      keyType: string;
    }[];
    expect(accounts.find((a) => a.id === "by-no-mmp")).toMatchObject({
      venue: "bybit",
      mmpEnabled: false,
      keyType: "hmac",
    });
  });

  it("the fill generator trips Bybit scopes, visible through mmp-state", async () => {
    const bybitOnly = { accounts: OPTIONS.accounts.filter((a) => a.id === "by-a") };
    const other = await startSimulator({
      ...bybitOnly,
      fillGenerator: { intervalMs: 20, probability: 1 },
    });
    try {
      // BTC, ETH (already frozen) and XRP are the enabled scopes; SOL is disabled.
      await waitFor(async () => (await scopeState(KEY_A, "BTC", other.url)).frozen);
      await waitFor(async () => (await scopeState(KEY_A, "XRP", other.url)).frozen);
      expect((await scopeState(KEY_A, "SOL", other.url)).frozen).toBe(false);
    } finally {
      await other.close();
    }
  });
});
