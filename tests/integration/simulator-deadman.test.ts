import { createHmac, randomBytes } from "node:crypto";
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
  type MockInstance,
} from "vitest";
import WebSocket from "ws";
import { startSimulator } from "@/simulator";
import type { SimHandle, SimOptions } from "@/simulator/types";

// The venues' dead-man switches as the simulator serves them: the read endpoints a risk desk may
// call (signed like every private call of that venue), and the writes it must never make, which
// are answered like the venue but listed by GET /__sim/forbidden. Signing is inline, as in the
// other simulator tests, so the simulator is checked against the venues' rules, not the app's.

const BN = { key: "deadBinanceKey0123", secret: "secret-bn" };
const BN_OFF = { key: "deadBinanceOff0123", secret: "secret-bn-off" };
const BY = { key: "deadBybitKey", secret: "secret-by" };
const BY_OFF = { key: "deadBybitOff", secret: "secret-by-off" };
const OKX = { key: "deadOkxKey", secret: "secret-okx", passphrase: "pass-okx" };
const DR = { key: "deadDeribitKey", secret: "secret-dr" };
const DR_OFF = { key: "deadDeribitOff", secret: "secret-dr-off" };

const scope = (s: string) => ({
  scope: s,
  windowMs: 5000,
  frozenPeriodMs: 0,
  qtyLimit: "1",
  deltaLimit: "0",
});

const OPTIONS: SimOptions = {
  accounts: [
    {
      id: "bn",
      venue: "binance",
      apiKey: BN.key,
      secret: BN.secret,
      scopes: [scope("BTCUSDT")],
      deadMan: { binanceCountdowns: { BTCUSDT: 30_000, ETHUSDT: 0, SOLUSDT: 15_000 } },
    },
    { id: "bn-off", venue: "binance", apiKey: BN_OFF.key, secret: BN_OFF.secret, scopes: [] },
    {
      id: "by",
      venue: "bybit",
      apiKey: BY.key,
      secret: BY.secret,
      // DCP is not an MMP feature: it answers on an account without MMP too.
      mmpEnabled: false,
      scopes: [scope("BTC")],
      deadMan: {
        bybitDcp: [
          { product: "OPTIONS", dcpStatus: "ON", timeWindowSec: 10 },
          { product: "DERIVATIVES", dcpStatus: "OFF", timeWindowSec: 30 },
        ],
      },
    },
    { id: "by-off", venue: "bybit", apiKey: BY_OFF.key, secret: BY_OFF.secret, scopes: [] },
    {
      id: "okx",
      venue: "okx",
      apiKey: OKX.key,
      secret: OKX.secret,
      passphrase: OKX.passphrase,
      scopes: [scope("BTC-USD")],
    },
    {
      id: "dr",
      venue: "deribit",
      apiKey: DR.key,
      secret: DR.secret,
      scopes: [scope("btc_usd")],
      deadMan: { deribitCancelOnDisconnect: true },
    },
    {
      id: "dr-off",
      venue: "deribit",
      apiKey: DR_OFF.key,
      secret: DR_OFF.secret,
      mmpEnabled: false,
      scopes: [],
    },
  ],
};

const hex = (secret: string, payload: string) =>
  createHmac("sha256", secret).update(payload).digest("hex");

let sim: SimHandle;
let stderr: MockInstance<typeof console.error>;

// ---- venue clients ----

/** Binance: totalParams = query + body, signature last, hex HMAC. */
function binance(method: "GET" | "POST", path: string, params: string, o: Partial<typeof BN> = {}) {
  const { key, secret } = { ...BN, ...o };
  const payload = [params, `timestamp=${Date.now()}`].filter(Boolean).join("&");
  const signedParams = `${payload}&signature=${hex(secret, payload)}`;
  const headers: Record<string, string> = { "X-MBX-APIKEY": key };
  if (method === "GET") return fetch(`${sim.url}${path}?${signedParams}`, { headers });
  headers["Content-Type"] = "application/x-www-form-urlencoded";
  return fetch(`${sim.url}${path}`, { method, headers, body: signedParams });
}

/** Bybit: timestamp + key + recvWindow + (query | body), hex HMAC in X-BAPI-SIGN. */
function bybit(method: "GET" | "POST", path: string, payload: string, o: Partial<typeof BY> = {}) {
  const { key, secret } = { ...BY, ...o };
  const ts = String(Date.now());
  const headers: Record<string, string> = {
    "X-BAPI-API-KEY": key,
    "X-BAPI-TIMESTAMP": ts,
    "X-BAPI-RECV-WINDOW": "5000",
    "X-BAPI-SIGN": hex(secret, `${ts}${key}5000${payload}`),
  };
  if (method === "GET")
    return fetch(`${sim.url}${path}${payload ? `?${payload}` : ""}`, { headers });
  headers["Content-Type"] = "application/json";
  return fetch(`${sim.url}${path}`, { method, headers, body: payload });
}

/** OKX: base64 HMAC of timestamp + METHOD + path + body, with the passphrase. */
function okxPost(path: string, body: string, o: Partial<typeof OKX> = {}) {
  const { key, secret, passphrase } = { ...OKX, ...o };
  const ts = new Date().toISOString();
  const sign = createHmac("sha256", secret).update(`${ts}POST${path}${body}`).digest("base64");
  return fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: {
      "OK-ACCESS-KEY": key,
      "OK-ACCESS-SIGN": sign,
      "OK-ACCESS-TIMESTAMP": ts,
      "OK-ACCESS-PASSPHRASE": passphrase,
      "Content-Type": "application/json",
    },
    body,
  });
}

interface RpcBody {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string; data?: { reason?: string; param?: string } };
}

/** Deribit private HTTP: deri-hmac-sha256 over ts, nonce, METHOD, URI and body. */
async function deribit(
  verb: "GET" | "POST",
  method: string,
  params: Record<string, string>,
  o: Partial<typeof DR> = {},
) {
  const { key, secret } = { ...DR, ...o };
  const path = `/api/v2/${method}`;
  const query = new URLSearchParams(params).toString();
  const uri = verb === "GET" && query ? `${path}?${query}` : path;
  const body = verb === "POST" ? JSON.stringify({ jsonrpc: "2.0", id: 9, method, params }) : "";
  const ts = Date.now();
  const nonce = randomBytes(6).toString("hex");
  const sig = hex(secret, `${ts}\n${nonce}\n${verb}\n${uri}\n${body}\n`);
  const res = await fetch(`${sim.url}${uri}`, {
    method: verb,
    headers: {
      Authorization: `deri-hmac-sha256 id=${key},ts=${ts},sig=${sig},nonce=${nonce}`,
      ...(verb === "POST" ? { "Content-Type": "application/json" } : {}),
    },
    body: verb === "POST" ? body : undefined,
  });
  return { status: res.status, body: (await res.json()) as RpcBody };
}

/** One websocket JSON-RPC round trip per request; the socket is closed by the caller. */
async function deribitWs() {
  const ws = new WebSocket(`${sim.url.replace("http", "ws")}/ws/api/v2`);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let id = 0;
  const request = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<RpcBody>((resolve) => {
      const mine = ++id;
      const onMessage = (raw: Buffer) => {
        const msg = JSON.parse(raw.toString("utf8")) as RpcBody;
        if (msg.id !== mine) return;
        ws.off("message", onMessage);
        resolve(msg);
      };
      ws.on("message", onMessage);
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: mine, method, params }));
    });
  const auth = () => {
    const ts = Date.now();
    const nonce = randomBytes(6).toString("hex");
    return request("public/auth", {
      grant_type: "client_signature",
      client_id: DR.key,
      timestamp: ts,
      nonce,
      data: "",
      signature: hex(DR.secret, `${ts}\n${nonce}\n`),
    });
  };
  return { request, auth, close: () => ws.terminate() };
}

// ---- control API ----

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}/__sim/${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface ForbiddenView {
  at: number;
  venue: string;
  method: string;
  path: string;
  apiKey: string | null;
  what: string;
}
const forbidden = async () => (await control("GET", "forbidden")).json.calls as ForbiddenView[];
const deadMan = (body: Record<string, unknown>) => control("POST", "deadman", body);

beforeAll(async () => {
  sim = await startSimulator(OPTIONS);
});
afterAll(() => sim.close());
beforeEach(async () => {
  await control("POST", "restore");
  await control("POST", "forbidden/clear");
  // Forbidden calls print to stderr by design; keep the run quiet and check the lines instead.
  stderr = vi.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => stderr.mockRestore());

/** The stderr lines printed so far: each must be exactly one line with the loud prefix. */
function loudLines(): string[] {
  const lines = stderr.mock.calls.map((args) => String(args[0]));
  for (const line of lines) {
    expect(line.startsWith("SIMULATOR: FORBIDDEN CALL")).toBe(true);
    expect(line).not.toContain("\n");
  }
  return lines;
}

describe("Binance countdown cancel-all", () => {
  const read = (query = "", o: Partial<typeof BN> = {}) =>
    binance("GET", "/eapi/v1/countdownCancelAll", query, o);

  it("lists armed underlyings only, filtered by underlying; weight 1", async () => {
    const all = await read();
    expect(all.status).toBe(200);
    expect(await all.json()).toEqual([
      { underlying: "BTCUSDT", countdownTime: 30_000 },
      { underlying: "SOLUSDT", countdownTime: 15_000 },
    ]);
    expect(all.headers.get("X-MBX-USED-WEIGHT-1M")).toBe("1");
    const one = await read("underlying=SOLUSDT");
    expect(await one.json()).toEqual([{ underlying: "SOLUSDT", countdownTime: 15_000 }]);
    expect(one.headers.get("X-MBX-USED-WEIGHT-1M")).toBe("2");
    expect(await (await read("underlying=ETHUSDT")).json()).toEqual([]);
    expect(await (await read("", BN_OFF)).json()).toEqual([]);
  });

  it("is signed: a bad signature is -1022, an unknown key -2015 (HTTP 401)", async () => {
    const bad = await read("", { secret: "wrong" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: -1022 });
    const unknown = await read("", { key: "nobody123" });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ code: -2015 });
  });

  it("follows /__sim/deadman; restore brings the spec back", async () => {
    const patched = await deadMan({ apiKey: BN.key, binanceCountdowns: { ETHUSDT: 5000 } });
    expect(patched).toEqual({
      status: 200,
      json: {
        apiKey: BN.key,
        binanceCountdowns: { ETHUSDT: 5000 },
        bybitDcp: [],
        deribitCancelOnDisconnect: false,
      },
    });
    expect(await (await read()).json()).toEqual([{ underlying: "ETHUSDT", countdownTime: 5000 }]);
    await control("POST", "restore");
    expect(await (await read()).json()).toHaveLength(2);
  });

  it("the heartbeat and the setter are answered like the venue, changing nothing, and listed", async () => {
    const beat = await binance(
      "POST",
      "/eapi/v1/countdownCancelAllHeartBeat",
      "underlyings=BTCUSDT,ETHUSDT",
    );
    expect(beat.status).toBe(200);
    expect(await beat.json()).toEqual({ underlyings: ["BTCUSDT"] });
    expect(beat.headers.get("X-MBX-USED-WEIGHT-1M")).toBe("10");
    const set = await binance(
      "POST",
      "/eapi/v1/countdownCancelAll",
      "underlying=ETHUSDT&countdownTime=10000",
    );
    expect(await set.json()).toEqual({ underlying: "ETHUSDT", countdownTime: 10_000 });
    expect(await (await read("underlying=ETHUSDT")).json()).toEqual([]);

    expect(await forbidden()).toEqual([
      {
        at: expect.any(Number),
        venue: "binance",
        method: "POST",
        path: "/eapi/v1/countdownCancelAllHeartBeat",
        apiKey: BN.key,
        what: "Binance countdownCancelAllHeartBeat",
      },
      expect.objectContaining({
        path: "/eapi/v1/countdownCancelAll",
        what: "Binance countdownCancelAll (set)",
      }),
    ]);
    const lines = loudLines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("Binance countdownCancelAllHeartBeat");
  });
});

describe("Bybit DCP", () => {
  const read = (o: Partial<typeof BY> = {}) => bybit("GET", "/v5/account/query-dcp-info", "", o);

  it("query-dcp-info lists DCP per product (timeWindow a string of seconds), [] when never set", async () => {
    const res = await read();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      retCode: 0,
      retMsg: "success",
      result: {
        dcpInfos: [
          { product: "OPTIONS", dcpStatus: "ON", timeWindow: "10" },
          { product: "DERIVATIVES", dcpStatus: "OFF", timeWindow: "30" },
        ],
      },
      retExtInfo: {},
      time: expect.any(Number),
    });
    const off = (await (await read(BY_OFF)).json()) as { result: unknown };
    expect(off.result).toEqual({ dcpInfos: [] });
  });

  it("is signed: a bad signature is 10004 with HTTP 200", async () => {
    const res = await read({ secret: "wrong" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ retCode: 10004 });
  });

  it("follows /__sim/deadman; restore brings the spec back", async () => {
    await deadMan({
      apiKey: BY_OFF.key,
      bybitDcp: [{ product: "SPOT", dcpStatus: "ON", timeWindowSec: 3 }],
    });
    const patched = (await (await read(BY_OFF)).json()) as { result: unknown };
    expect(patched.result).toEqual({
      dcpInfos: [{ product: "SPOT", dcpStatus: "ON", timeWindow: "3" }],
    });
    await deadMan({ apiKey: BY.key, bybitDcp: [] });
    expect(((await (await read()).json()) as { result: unknown }).result).toEqual({ dcpInfos: [] });
    await control("POST", "restore");
    const restored = (await (await read()).json()) as { result: { dcpInfos: unknown[] } };
    expect(restored.result.dcpInfos).toHaveLength(2);
    expect(((await (await read(BY_OFF)).json()) as { result: unknown }).result).toEqual({
      dcpInfos: [],
    });
  });

  it("setting the DCP window is answered and listed", async () => {
    const body = JSON.stringify({ product: "OPTIONS", timeWindow: 40 });
    const res = await bybit("POST", "/v5/order/disconnected-cancel-all", body);
    expect(await res.json()).toMatchObject({ retCode: 0, retMsg: "success" });
    expect(await forbidden()).toEqual([
      expect.objectContaining({
        venue: "bybit",
        method: "POST",
        path: "/v5/order/disconnected-cancel-all",
        apiKey: BY.key,
        what: "Bybit disconnected-cancel-all (set DCP)",
      }),
    ]);
  });
});

describe("OKX cancel-all-after", () => {
  it("is answered like the venue and listed, also when the signature is bad", async () => {
    const res = await okxPost("/api/v5/trade/cancel-all-after", JSON.stringify({ timeOut: "60" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { ts: string }[] };
    expect(body).toEqual({
      code: "0",
      msg: "",
      data: [{ triggerTime: "0", tag: "", ts: expect.any(String) }],
    });
    expect(Math.abs(Number(body.data[0]?.ts) - Date.now())).toBeLessThan(5000);

    const bad = await okxPost("/api/v5/trade/cancel-all-after", "{}", { secret: "wrong" });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: "50113" });

    const calls = await forbidden();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({
      at: expect.any(Number),
      venue: "okx",
      method: "POST",
      path: "/api/v5/trade/cancel-all-after",
      apiKey: OKX.key,
      what: "OKX cancel-all-after",
    });
  });
});

describe("Deribit cancel-on-disconnect", () => {
  const read = (
    params: Record<string, string> = { scope: "account" },
    o: Partial<typeof DR> = {},
  ) => deribit("GET", "private/get_cancel_on_disconnect", params, o);

  it("over HTTP answers the account default; only scope account is valid", async () => {
    const on = await read();
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ jsonrpc: "2.0", result: { scope: "account", enabled: true } });
    // No 13040 on an account without MMP: cancel-on-disconnect is not an MMP feature.
    expect((await read(undefined, DR_OFF)).body.result).toEqual({
      scope: "account",
      enabled: false,
    });
    const post = await deribit("POST", "private/get_cancel_on_disconnect", { scope: "account" });
    expect(post.body).toMatchObject({ id: 9, result: { scope: "account", enabled: true } });
    const badScopes: Record<string, string>[] = [{ scope: "connection" }, { scope: "all" }, {}];
    for (const params of badScopes) {
      const bad = await read(params);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: -32602, data: { param: "scope" } });
    }
  });

  it("is signed: a bad signature is 13009, an unknown client 13004", async () => {
    const bad = await read(undefined, { secret: "wrong" });
    expect(bad.body.error).toMatchObject({ code: 13009, data: { reason: "invalid signature" } });
    expect((await read(undefined, { key: "nobody" })).body.error?.code).toBe(13004);
  });

  it("follows /__sim/deadman; restore brings the spec back", async () => {
    await deadMan({ apiKey: DR.key, deribitCancelOnDisconnect: false });
    expect((await read()).body.result).toEqual({ scope: "account", enabled: false });
    await control("POST", "restore");
    expect((await read()).body.result).toEqual({ scope: "account", enabled: true });
  });

  it("enable/disable over HTTP answer ok and are listed", async () => {
    const en = await deribit("POST", "private/enable_cancel_on_disconnect", { scope: "account" });
    expect(en.body).toMatchObject({ id: 9, result: "ok" });
    const dis = await deribit("GET", "private/disable_cancel_on_disconnect", {});
    expect(dis.body.result).toBe("ok");
    expect((await read()).body.result).toEqual({ scope: "account", enabled: true });
    expect(await forbidden()).toEqual([
      expect.objectContaining({
        venue: "deribit",
        method: "POST",
        path: "/api/v2/private/enable_cancel_on_disconnect",
        apiKey: DR.key,
        what: "Deribit private/enable_cancel_on_disconnect",
      }),
      expect.objectContaining({
        method: "GET",
        path: "/api/v2/private/disable_cancel_on_disconnect",
        what: "Deribit private/disable_cancel_on_disconnect",
      }),
    ]);
  });

  it("over the websocket: read per connection or account; enable is listed as WS", async () => {
    const ws = await deribitWs();
    try {
      const anon = await ws.request("private/get_cancel_on_disconnect");
      expect(anon.error?.code).toBe(13009);
      expect((await ws.auth()).result).toMatchObject({ token_type: "bearer" });
      expect((await ws.request("private/get_cancel_on_disconnect")).result).toEqual({
        scope: "connection",
        enabled: true,
      });
      const acct = await ws.request("private/get_cancel_on_disconnect", { scope: "account" });
      expect(acct.result).toEqual({ scope: "account", enabled: true });
      const en = await ws.request("private/enable_cancel_on_disconnect", { scope: "connection" });
      expect(en.result).toBe("ok");
    } finally {
      ws.close();
    }
    expect(await forbidden()).toEqual([
      {
        at: expect.any(Number),
        venue: "deribit",
        method: "WS",
        path: "/ws/api/v2",
        apiKey: DR.key,
        what: "Deribit private/enable_cancel_on_disconnect",
      },
    ]);
  });
});

describe("the forbidden-call list", () => {
  const beat = () => binance("POST", "/eapi/v1/countdownCancelAllHeartBeat", "underlyings=BTCUSDT");

  it("survives restore and log clears; /__sim/forbidden/clear empties it", async () => {
    await beat();
    await control("POST", "restore");
    await control("DELETE", "log");
    expect(await forbidden()).toHaveLength(1);
    await beat();
    expect(await control("POST", "forbidden/clear")).toEqual({ status: 200, json: { cleared: 2 } });
    expect(await forbidden()).toEqual([]);
    expect(loudLines()).toHaveLength(2);
  });

  it("records a call that a fault answered: the attempt is the bug", async () => {
    await control("POST", "faults", {
      venue: "binance",
      path: "/eapi/v1/countdownCancelAllHeartBeat",
      kind: "status",
      status: 503,
    });
    expect((await beat()).status).toBe(503);
    expect(await forbidden()).toHaveLength(1);
  });

  it("reads are never listed", async () => {
    await binance("GET", "/eapi/v1/countdownCancelAll", "");
    await bybit("GET", "/v5/account/query-dcp-info", "");
    await deribit("GET", "private/get_cancel_on_disconnect", { scope: "account" });
    expect(await forbidden()).toEqual([]);
    expect(stderr).not.toHaveBeenCalled();
  });
});

describe("POST /__sim/deadman", () => {
  it("refuses unknown keys and fields, bad values, and unknown accounts", async () => {
    expect((await deadMan({ apiKey: BN.key, deribitCancelOnDisconect: true })).status).toBe(400);
    expect((await deadMan({ apiKey: BN.key, binanceCountdowns: { BTCUSDT: -1 } })).status).toBe(
      400,
    );
    const dcp = [{ product: "OPTIONS", dcpStatus: "MAYBE", timeWindowSec: 10 }];
    expect((await deadMan({ apiKey: BY.key, bybitDcp: dcp })).status).toBe(400);
    expect((await deadMan({ apiKey: "nobody" })).status).toBe(404);
  });

  it("with only apiKey answers the live state unchanged", async () => {
    expect((await deadMan({ apiKey: BY.key })).json).toEqual({
      apiKey: BY.key,
      binanceCountdowns: {},
      bybitDcp: [
        { product: "OPTIONS", dcpStatus: "ON", timeWindowSec: 10 },
        { product: "DERIVATIVES", dcpStatus: "OFF", timeWindowSec: 30 },
      ],
      deribitCancelOnDisconnect: false,
    });
  });

  it("a bad deadMan spec fails the start", async () => {
    await expect(
      startSimulator({
        accounts: [
          {
            id: "bn-bad",
            venue: "binance",
            apiKey: "badSpecKey",
            secret: "s",
            scopes: [],
            deadMan: { binanceCountdowns: { BTCUSDT: 1.5 } },
          },
        ],
      }),
    ).rejects.toThrow(/bn-bad: deadMan: binanceCountdowns/);
  });
});
