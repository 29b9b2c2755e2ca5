import { createHmac, randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startSimulator } from "@/simulator";
import type { SimHandle, SimOptions } from "@/simulator/types";
import { simControl } from "../support/sim-client";
import { waitFor } from "../support/wait";

// Talks to the simulator exactly like a Deribit v2 client would, over HTTP JSON-RPC and the
// websocket. Signing is written inline on purpose: the simulator must be checked against the
// venue's rules, not against the app's own signer.

const KEY = "deribitClientA";
const SECRET = "deribit-secret-a";
const KEY_B = "deribitClientB";
const KEY_OFF = "deribitNoMmp";
const VECTOR = { id: "AMANDA", secret: "AMANDASECRECT", ts: 1576074319000, nonce: "1iqt2wls" };

const OPTIONS: SimOptions = {
  accounts: [
    {
      id: "dr-a",
      venue: "deribit",
      apiKey: KEY,
      secret: SECRET,
      scopes: [
        {
          scope: "btc_usd",
          windowMs: 5000,
          frozenPeriodMs: 100_000,
          qtyLimit: "0.5",
          deltaLimit: "0.3",
          vegaLimit: "1000",
        },
        {
          scope: "btc_usd/mm1",
          windowMs: 3000,
          frozenPeriodMs: 0,
          qtyLimit: "2",
          deltaLimit: "0",
          triggeredAt: "now",
        },
        { scope: "eth_usd", windowMs: 10_000, frozenPeriodMs: 0, qtyLimit: "1", deltaLimit: "1" },
        {
          scope: "sol_usdc",
          windowMs: 5000,
          frozenPeriodMs: 0,
          qtyLimit: "1",
          deltaLimit: "1",
          enabled: false,
        },
      ],
    },
    {
      id: "dr-b",
      venue: "deribit",
      apiKey: KEY_B,
      secret: "deribit-secret-b",
      scopes: [
        { scope: "btc_usd", windowMs: 5000, frozenPeriodMs: 0, qtyLimit: "1", deltaLimit: "1" },
      ],
    },
    {
      id: "dr-vector",
      venue: "deribit",
      apiKey: VECTOR.id,
      secret: VECTOR.secret,
      scopes: [
        {
          scope: "btc_usd",
          windowMs: 5000,
          frozenPeriodMs: 0,
          qtyLimit: "1",
          deltaLimit: "1",
          triggeredAt: "now",
        },
      ],
    },
    {
      id: "dr-off",
      venue: "deribit",
      apiKey: KEY_OFF,
      secret: "deribit-secret-off",
      mmpEnabled: false,
      scopes: [
        { scope: "btc_usd", windowMs: 5000, frozenPeriodMs: 0, qtyLimit: "1", deltaLimit: "1" },
      ],
    },
    {
      id: "bb-a",
      venue: "bybit",
      apiKey: "bybitKeyForDeribitTest",
      secret: "bybit-secret",
      scopes: [{ scope: "BTC", windowMs: 5000, frozenPeriodMs: 0, qtyLimit: "1", deltaLimit: "1" }],
    },
  ],
};

const hmac = (secret: string, payload: string) =>
  createHmac("sha256", secret).update(payload).digest("hex");
const nonce = () => randomBytes(6).toString("hex");

interface RpcBody {
  jsonrpc: string;
  id?: number;
  result?: unknown;
  error?: { code: number; message: string; data?: { reason?: string; param?: string } };
  usIn?: number;
}

interface SignOpts {
  id?: string;
  secret?: string;
  ts?: number;
  nonce?: string;
  /** Replaces the header entirely; null omits it. */
  authorization?: string | null;
  tamperUri?: (uri: string) => string;
  /** Another simulator's URL (default: the shared one). */
  base?: string;
}

let sim: SimHandle;
let ctl: ReturnType<typeof simControl>;

/** A signed private call: GET with the params in the query, or POST with a JSON-RPC body. */
async function signed(
  verb: "GET" | "POST",
  method: string,
  params: Record<string, string | number | boolean>,
  o: SignOpts = {},
) {
  const path = `/api/v2/${method}`;
  const query = new URLSearchParams(
    Object.entries(params).map(([k, v]) => [k, String(v)]),
  ).toString();
  const uri = verb === "GET" && query ? `${path}?${query}` : path;
  const body = verb === "POST" ? JSON.stringify({ jsonrpc: "2.0", id: 7, method, params }) : "";
  const ts = o.ts ?? Date.now();
  const n = o.nonce ?? nonce();
  const sig = hmac(o.secret ?? SECRET, `${ts}\n${n}\n${verb}\n${uri}\n${body}\n`);
  const header =
    o.authorization === undefined
      ? `deri-hmac-sha256 id=${o.id ?? KEY},ts=${ts},sig=${sig},nonce=${n}`
      : o.authorization;
  const res = await fetch(`${o.base ?? sim.url}${o.tamperUri?.(uri) ?? uri}`, {
    method: verb,
    headers: {
      ...(header === null ? {} : { Authorization: header }),
      ...(verb === "POST" ? { "Content-Type": "application/json" } : {}),
    },
    body: verb === "POST" ? body : undefined,
  });
  return { status: res.status, body: (await res.json()) as RpcBody };
}

async function bearer(token: string, method: string, query = "") {
  const res = await fetch(`${sim.url}/api/v2/${method}${query ? `?${query}` : ""}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as RpcBody };
}

async function publicCall(method: string, params: Record<string, unknown>) {
  const res = await fetch(`${sim.url}/api/v2/${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 42, method, params }),
  });
  return { status: res.status, body: (await res.json()) as RpcBody };
}

/** A minimal websocket JSON-RPC client for the tests. */
class WsClient {
  readonly notes: {
    method: string;
    params: { channel?: string; data?: unknown; type?: string };
  }[] = [];
  closed = false;
  private id = 0;
  private readonly waiting = new Map<number, (b: RpcBody) => void>();

  constructor(readonly ws: WebSocket) {
    ws.on("message", (raw: Buffer) => {
      const msg = JSON.parse(raw.toString("utf8")) as RpcBody & {
        method?: string;
        params?: { channel?: string; data?: unknown; type?: string };
      };
      if (msg.id !== undefined && this.waiting.has(msg.id)) this.waiting.get(msg.id)?.(msg);
      else if (msg.method) this.notes.push({ method: msg.method, params: msg.params ?? {} });
    });
    ws.on("close", () => (this.closed = true));
  }

  static async open(): Promise<WsClient> {
    const ws = new WebSocket(`${sim.url.replace("http", "ws")}/ws/api/v2`);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    return new WsClient(ws);
  }

  request(method: string, params: Record<string, unknown> = {}): Promise<RpcBody> {
    const id = ++this.id;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  auth(key = KEY, secret = SECRET, ts = Date.now()): Promise<RpcBody> {
    const n = nonce();
    return this.request("public/auth", {
      grant_type: "client_signature",
      client_id: key,
      timestamp: ts,
      nonce: n,
      data: "",
      signature: hmac(secret, `${ts}\n${n}\n`),
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once("close", () => resolve());
      this.ws.terminate();
    });
  }
}

const clients: WsClient[] = [];
const openClient = async () => {
  const c = await WsClient.open();
  clients.push(c);
  return c;
};

beforeAll(async () => {
  sim = await startSimulator(OPTIONS);
  ctl = simControl(sim.url);
});
afterAll(() => sim.close());
beforeEach(() => ctl.restore());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe("Deribit simulator: HTTP JSON-RPC", () => {
  it("public/get_time answers the venue clock in ms, GET without id and POST echoing it", async () => {
    await ctl.skew(-4000, "deribit");
    const get = (await (await fetch(`${sim.url}/api/v2/public/get_time`)).json()) as RpcBody;
    expect(get.jsonrpc).toBe("2.0");
    expect(get).not.toHaveProperty("id");
    expect(Math.abs(Number(get.result) - (Date.now() - 4000))).toBeLessThan(1000);
    const post = await publicCall("public/get_time", {});
    expect(post.body.id).toBe(42);
    expect(typeof post.body.result).toBe("number");
  });

  it("accepts the venues.md header vector byte for byte (AMANDA, nonce 1iqt2wls)", async () => {
    await ctl.skew(VECTOR.ts - Date.now(), "deribit");
    const res = await fetch(`${sim.url}/api/v2/private/get_mmp_status?index_name=btc_usd`, {
      headers: {
        Authorization:
          "deri-hmac-sha256 id=AMANDA,ts=1576074319000," +
          "sig=c0e1f40c45c4fb8aae5002f1b2f4ce8d606c88740495a4dd4ae8b91d11194939,nonce=1iqt2wls",
      },
    });
    const body = (await res.json()) as RpcBody;
    expect(res.status).toBe(200);
    expect(body.result).toEqual([{ index_name: "btc_usd", frozen_until: 0 }]);
  });

  it("get_mmp_config: every index and group, seconds, numbers, absent limits left out", async () => {
    const { status, body } = await signed("GET", "private/get_mmp_config", {});
    expect(status).toBe(200);
    expect(body.result).toEqual([
      {
        index_name: "btc_usd",
        id: 1,
        interval: 5,
        frozen_time: 100,
        quantity_limit: 0.5,
        delta_limit: 0.3,
        vega_limit: 1000,
        max_quote_quantity: 0.5,
      },
      {
        index_name: "btc_usd",
        mmp_group: "mm1",
        id: 2,
        interval: 3,
        frozen_time: 0,
        quantity_limit: 2,
        max_quote_quantity: 2,
      },
      expect.objectContaining({ index_name: "eth_usd", interval: 10, frozen_time: 0 }),
      expect.objectContaining({ index_name: "sol_usdc", interval: 0 }),
    ]);
  });

  it("get_mmp_config filters: index = its default group, index + mmp_group = that group", async () => {
    const idx = await signed("GET", "private/get_mmp_config", { index_name: "btc_usd" });
    expect(idx.body.result).toEqual([expect.objectContaining({ id: 1 })]);
    expect(idx.body.result).toEqual([
      expect.not.objectContaining({ mmp_group: expect.anything() }),
    ]);
    const grp = await signed("POST", "private/get_mmp_config", {
      index_name: "btc_usd",
      mmp_group: "mm1",
    });
    expect(grp.body.id).toBe(7);
    expect(grp.body.result).toEqual([expect.objectContaining({ mmp_group: "mm1" })]);
    const all = await signed("GET", "private/get_mmp_config", { index_name: "all" });
    expect(all.body.result).toHaveLength(4);
    const bad = await signed("GET", "private/get_mmp_config", { mmp_group: "mm1" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: -32602, data: { param: "mmp_group" } });
  });

  it("get_mmp_status lists triggered groups only, frozen_until ms (0 = manual reset)", async () => {
    expect((await signed("GET", "private/get_mmp_status", {})).body.result).toEqual([
      { index_name: "btc_usd", mmp_group: "mm1", frozen_until: 0 },
    ]);
    await ctl.freeze(KEY, "btc_usd");
    const { body } = await signed("GET", "private/get_mmp_status", { index_name: "btc_usd" });
    const list = body.result as { mmp_group?: string; frozen_until: number }[];
    expect(list).toHaveLength(2);
    const idx = list.find((e) => !e.mmp_group);
    expect(idx?.frozen_until).toBeGreaterThan(Date.now() + 90_000);
    expect(idx?.frozen_until).toBeLessThanOrEqual(Date.now() + 100_000);
  });

  it("reset_mmp unfreezes one (index, group) with a POST body or GET query → ok", async () => {
    const post = await signed("POST", "private/reset_mmp", {
      index_name: "btc_usd",
      mmp_group: "mm1",
    });
    expect(post.body).toMatchObject({ id: 7, result: "ok" });
    expect((await signed("GET", "private/get_mmp_status", {})).body.result).toEqual([]);
    await ctl.freeze(KEY, "eth_usd");
    const get = await signed("GET", "private/reset_mmp", { index_name: "eth_usd" });
    expect(get.body.result).toBe("ok");
    expect((await signed("GET", "private/get_mmp_status", {})).body.result).toEqual([]);
  });

  it("reset_mmp refuses a missing/all index and a scope without MMP", async () => {
    const missing: Record<string, string>[] = [{}, { index_name: "all" }];
    for (const params of missing) {
      const r = await signed("POST", "private/reset_mmp", params);
      expect(r.body.error).toMatchObject({ code: -32602, data: { param: "index_name" } });
    }
    const none = await signed("POST", "private/reset_mmp", {
      index_name: "btc_usd",
      mmp_group: "zz",
    });
    expect(none.body.error?.code).toBe(-32602);
    const disabled = await signed("POST", "private/reset_mmp", { index_name: "sol_usdc" });
    expect(disabled.body.error?.code).toBe(-32602);
  });

  it("set_mmp_config takes seconds, creates a group, interval 0 removes MMP", async () => {
    const set = await signed("POST", "private/set_mmp_config", {
      index_name: "eth_usd",
      mmp_group: "q2",
      interval: 7,
      frozen_time: 30,
      quantity_limit: 3,
      max_quote_quantity: 9,
    });
    expect(set.body.result).toEqual([
      expect.objectContaining({
        index_name: "eth_usd",
        mmp_group: "q2",
        interval: 7,
        frozen_time: 30,
        quantity_limit: 3,
        max_quote_quantity: 9,
      }),
    ]);
    const state = (await ctl.state()) as {
      accounts: {
        apiKey: string;
        scopes: { scope: string; windowMs: number; enabled: boolean }[];
      }[];
    };
    const scopes = state.accounts.find((a) => a.apiKey === KEY)?.scopes ?? [];
    expect(scopes.find((s) => s.scope === "eth_usd/q2")).toMatchObject({ windowMs: 7000 });
    await signed("GET", "private/set_mmp_config", {
      index_name: "btc_usd",
      interval: 0,
      frozen_time: 0,
    });
    const cfg = await signed("GET", "private/get_mmp_config", { index_name: "btc_usd" });
    expect(cfg.body.result).toEqual([expect.objectContaining({ interval: 0 })]);
    const noLimit = await signed("POST", "private/set_mmp_config", {
      index_name: "btc_usd",
      interval: 5,
      frozen_time: 0,
    });
    expect(noLimit.body.error?.code).toBe(-32602);
  });

  it("an account without MMP gets 13040 mmp_required", async () => {
    const r = await signed(
      "GET",
      "private/get_mmp_config",
      {},
      { id: KEY_OFF, secret: "deribit-secret-off" },
    );
    expect(r.body.error).toMatchObject({ code: 13040, message: "mmp_required" });
  });
});

describe("Deribit simulator: authentication", () => {
  it("refuses a missing or malformed header with 13009, an unknown client id with 13004", async () => {
    const none = await signed("GET", "private/get_mmp_status", {}, { authorization: null });
    expect(none.body.error).toMatchObject({ code: 13009, message: "unauthorized" });
    const junk = await signed(
      "GET",
      "private/get_mmp_status",
      {},
      { authorization: "deri-hmac-sha256 id=x" },
    );
    expect(junk.body.error?.code).toBe(13009);
    for (const id of ["nobody", "bybitKeyForDeribitTest"]) {
      const r = await signed("GET", "private/get_mmp_status", {}, { id });
      expect(r.body.error).toMatchObject({ code: 13004, message: "invalid_credentials" });
    }
  });

  it("verifies the signature over the exact URI and body bytes", async () => {
    const wrong = await signed("GET", "private/get_mmp_status", {}, { secret: "nope" });
    expect(wrong.body.error).toMatchObject({ code: 13009, data: { reason: "invalid signature" } });
    const tampered = await signed(
      "GET",
      "private/get_mmp_status",
      { index_name: "btc_usd" },
      { tamperUri: (u) => u.replace("btc_usd", "eth_usd") },
    );
    expect(tampered.body.error?.data?.reason).toBe("invalid signature");
  });

  it("timestamps outside ±60 s are refused with data.param ts; a nonce is single-use", async () => {
    for (const ts of [Date.now() - 61_000, Date.now() + 61_000]) {
      const r = await signed("GET", "private/get_mmp_status", {}, { ts });
      expect(r.body.error).toMatchObject({ code: 13009, data: { param: "ts" } });
    }
    expect(
      (await signed("GET", "private/get_mmp_status", {}, { ts: Date.now() - 55_000 })).status,
    ).toBe(200);
    const n = nonce();
    expect((await signed("GET", "private/get_mmp_status", {}, { nonce: n })).status).toBe(200);
    const replay = await signed("GET", "private/get_mmp_status", {}, { nonce: n });
    expect(replay.body.error?.data?.reason).toBe("nonce already used");
  });

  it("public/auth client_credentials → bearer token that expires on the venue clock", async () => {
    const bad = await publicCall("public/auth", {
      grant_type: "client_credentials",
      client_id: KEY,
      client_secret: "wrong",
    });
    expect(bad.body.error?.code).toBe(13004);
    const ok = await publicCall("public/auth", {
      grant_type: "client_credentials",
      client_id: KEY,
      client_secret: SECRET,
    });
    const tok = ok.body.result as {
      access_token: string;
      expires_in: number;
      refresh_token: string;
    };
    expect(tok.expires_in).toBe(900);
    expect((await bearer(tok.access_token, "private/get_mmp_status")).status).toBe(200);
    await ctl.skew(901_000, "deribit");
    const expired = await bearer(tok.access_token, "private/get_mmp_status");
    expect(expired.body.error).toMatchObject({ code: 13009, data: { param: "access_token" } });
  });

  it("public/auth client_signature (GET) and single-use refresh_token grants; scope expires:N", async () => {
    const ts = Date.now();
    const n = nonce();
    const q = new URLSearchParams({
      grant_type: "client_signature",
      client_id: KEY,
      timestamp: String(ts),
      nonce: n,
      data: "",
      signature: hmac(SECRET, `${ts}\n${n}\n`),
      scope: "expires:60",
    });
    const res = (await (
      await fetch(`${sim.url}/api/v2/public/auth?${q.toString()}`)
    ).json()) as RpcBody;
    const tok = res.result as { access_token: string; expires_in: number; refresh_token: string };
    expect(tok.expires_in).toBe(60);
    const refreshed = await publicCall("public/auth", {
      grant_type: "refresh_token",
      refresh_token: tok.refresh_token,
    });
    const next = refreshed.body.result as { access_token: string };
    expect((await bearer(next.access_token, "private/get_mmp_config")).status).toBe(200);
    const again = await publicCall("public/auth", {
      grant_type: "refresh_token",
      refresh_token: tok.refresh_token,
    });
    expect(again.body.error?.code).toBe(13009);
  });

  it("logs every request with the claimed key and the venue code; faults dress as JSON-RPC", async () => {
    await ctl.clearLog();
    await signed("GET", "private/get_mmp_status", {}, { secret: "nope" });
    await ctl.fault({
      venue: "deribit",
      path: "/api/v2/private/reset_mmp",
      kind: "status",
      status: 503,
    });
    const faulted = await signed("POST", "private/reset_mmp", { index_name: "btc_usd" });
    expect(faulted.status).toBe(503);
    expect(faulted.body.error).toMatchObject({ code: 13028 });
    const log = await ctl.log({ path: "/api/v2/private/get_mmp_status" });
    expect(log[0]).toMatchObject({ venue: "deribit", apiKey: KEY, status: 400, venueCode: 13009 });
    const reset = await ctl.log({ path: "/api/v2/private/reset_mmp" });
    expect(reset[0]).toMatchObject({ status: 503, venueCode: 13028, fault: "status" });
  });

  it("unknown methods and bad JSON answer JSON-RPC errors", async () => {
    expect((await publicCall("public/nope", {})).body.error?.code).toBe(-32601);
    const res = await fetch(`${sim.url}/api/v2/public/get_time`, { method: "POST", body: "{" });
    expect(((await res.json()) as RpcBody).error?.code).toBe(-32700);
  });
});

describe("Deribit simulator: websocket", () => {
  it("authenticates with client_signature and pushes user.mmp_trigger at once", async () => {
    const c = await openClient();
    const auth = await c.auth();
    expect(auth.result).toMatchObject({ token_type: "bearer", expires_in: 900 });
    const sub = await c.request("private/subscribe", {
      channels: ["user.mmp_trigger.btc_usd", "user.mmp_trigger.eth_usd", "book.BTC-PERPETUAL.raw"],
    });
    expect(sub.result).toEqual(["user.mmp_trigger.btc_usd", "user.mmp_trigger.eth_usd"]);
    await ctl.freeze(KEY, "btc_usd");
    await waitFor(() => c.notes.length === 1, 2000, 5);
    const note = c.notes[0];
    expect(note?.method).toBe("subscription");
    expect(note?.params.channel).toBe("user.mmp_trigger.btc_usd");
    const data = note?.params.data as { index_name: string; frozen_until: number };
    expect(data).toEqual({ index_name: "btc_usd", frozen_until: expect.any(Number) });
    expect(data.frozen_until).toBeGreaterThan(Date.now() + 90_000);
    await ctl.freeze(KEY, "btc_usd/mm1");
    await waitFor(() => c.notes.length === 2, 2000, 5);
    expect(c.notes[1]?.params.data).toEqual({
      index_name: "btc_usd",
      mmp_group: "mm1",
      frozen_until: 0,
    });
  });

  it("pushes only to sockets of that account subscribed to that index", async () => {
    const mine = await openClient();
    const other = await openClient();
    const anon = await openClient();
    await mine.auth();
    await other.auth(KEY_B, "deribit-secret-b");
    await mine.request("private/subscribe", { channels: ["user.mmp_trigger.eth_usd"] });
    await other.request("private/subscribe", { channels: ["user.mmp_trigger.btc_usd"] });
    const refused = await anon.request("private/subscribe", {
      channels: ["user.mmp_trigger.btc_usd"],
    });
    expect(refused.error?.code).toBe(13009);
    await ctl.freeze(KEY, "btc_usd");
    await ctl.freeze(KEY, "eth_usd");
    await waitFor(() => mine.notes.length === 1, 2000, 5);
    expect(mine.notes[0]?.params.channel).toBe("user.mmp_trigger.eth_usd");
    expect(other.notes).toEqual([]);
  });

  it("refuses a bad or stale client_signature; heartbeat needs ≥ 10 s; messages are logged as WS", async () => {
    const c = await openClient();
    expect((await c.auth(KEY, "wrong")).error?.data?.reason).toBe("invalid signature");
    expect((await c.auth(KEY, SECRET, Date.now() - 61_000)).error).toMatchObject({
      code: 13009,
      data: { param: "timestamp" },
    });
    expect((await c.request("public/set_heartbeat", { interval: 5 })).error?.code).toBe(-32602);
    expect((await c.request("public/set_heartbeat", { interval: 10 })).result).toBe("ok");
    expect((await c.request("public/test")).result).toMatchObject({ version: expect.any(String) });
    const log = await ctl.log({ method: "WS" });
    expect(log.map((e) => e.venueCode)).toEqual([13009, 13009, -32602, null, null]);
    expect(log[0]).toMatchObject({ venue: "deribit", path: "/ws/api/v2" });
  });

  it("POST /__sim/ws/drop cuts every Deribit socket", async () => {
    const a = await openClient();
    const b = await openClient();
    const res = await fetch(`${sim.url}/__sim/ws/drop`, {
      method: "POST",
      body: JSON.stringify({ venue: "deribit" }),
    });
    expect(await res.json()).toEqual({ closed: 2 });
    await waitFor(() => a.closed && b.closed, 2000, 5);
  });

  it("an upgrade fault refuses the websocket with that HTTP status", async () => {
    await ctl.fault({ venue: "deribit", path: "/ws/api/v2", kind: "status", status: 503 });
    const ws = new WebSocket(`${sim.url.replace("http", "ws")}/ws/api/v2`);
    const err = await new Promise<Error>((resolve) => ws.once("error", resolve));
    expect(err.message).toMatch(/503/);
    const log = await ctl.log({ path: "/ws/api/v2", method: "GET" });
    expect(log.at(-1)).toMatchObject({ status: 503, venueCode: 13028, fault: "status" });
  });

  it("a trip by the fill generator is pushed too", async () => {
    // A short frozen period: the generator trips the scope again and again, also after the
    // subscription is in place.
    const own = await startSimulator({
      accounts: [
        {
          id: "dr-fills",
          venue: "deribit",
          apiKey: KEY_B,
          secret: "deribit-secret-b",
          scopes: [
            {
              scope: "btc_usd",
              windowMs: 5000,
              frozenPeriodMs: 200,
              qtyLimit: "1",
              deltaLimit: "1",
            },
          ],
        },
      ],
      fillGenerator: { intervalMs: 50, probability: 1 },
    });
    const ws = new WebSocket(`${own.url.replace("http", "ws")}/ws/api/v2`);
    const c = new WsClient(ws);
    try {
      await new Promise((resolve) => ws.once("open", resolve));
      await c.auth(KEY_B, "deribit-secret-b");
      await c.request("private/subscribe", { channels: ["user.mmp_trigger.btc_usd"] });
      await waitFor(() => c.notes.length > 0, 3000, 10);
      expect(c.notes[0]?.params.data).toEqual({
        index_name: "btc_usd",
        frozen_until: expect.any(Number),
      });
    } finally {
      await c.close();
      await own.close();
    }
  });
});

describe("Deribit simulator: matching-engine credit pool", () => {
  interface Pool {
    apiKey: string;
    credits: number | null;
    perSecond: number | null;
    burst: number | null;
  }
  const credits = async (body: Record<string, unknown>, base = sim.url) => {
    const res = await fetch(`${base}/__sim/credits`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Pool };
  };
  const tokenFor = async (key = KEY, secret = SECRET) => {
    const r = await publicCall("public/auth", {
      grant_type: "client_credentials",
      client_id: key,
      client_secret: secret,
    });
    return (r.body.result as { access_token: string }).access_token;
  };
  const tooMany = { code: 10028, message: "too_many_requests" };

  it("deribitCredits: burst N calls pass, the next is refused 10028/429 unexecuted, others pass, refill and restore", async () => {
    const own = await startSimulator({ ...OPTIONS, deribitCredits: { perSecond: 1, burst: 3 } });
    const ownCtl = simControl(own.url);
    const base = own.url;
    const mm1Frozen = async () => {
      const state = (await ownCtl.state()) as {
        accounts: { apiKey: string; scopes: { scope: string; frozen: boolean }[] }[];
      };
      const scopes = state.accounts.find((a) => a.apiKey === KEY)?.scopes ?? [];
      return scopes.find((x) => x.scope === "btc_usd/mm1")?.frozen;
    };
    try {
      for (let i = 0; i < 3; i++) {
        expect((await signed("GET", "private/get_mmp_status", {}, { base })).status).toBe(200);
      }
      const reset = { index_name: "btc_usd", mmp_group: "mm1" };
      const refused = await signed("POST", "private/reset_mmp", reset, { base });
      expect(refused.status).toBe(429);
      expect(refused.body.error).toEqual(tooMany);
      expect(await mm1Frozen()).toBe(true);
      // Another sub-account has its own pool.
      const other = await signed(
        "GET",
        "private/get_mmp_status",
        {},
        { base, id: KEY_B, secret: "deribit-secret-b" },
      );
      expect(other.status).toBe(200);
      // Methods outside the matching engine do not draw on the (empty) pool.
      const time = (await (await fetch(`${base}/api/v2/public/get_time`)).json()) as RpcBody;
      expect(typeof time.result).toBe("number");
      const cod = await signed(
        "GET",
        "private/get_cancel_on_disconnect",
        { scope: "account" },
        { base },
      );
      expect(cod.body.result).toEqual({ scope: "account", enabled: false });
      const log = await ownCtl.log({ path: "/api/v2/private/reset_mmp" });
      expect(log.map((e) => [e.status, e.venueCode])).toEqual([[429, 10028]]);
      // The pool refills at 1 credit/s; a signed request has no session to lose.
      await waitFor(
        async () => (await signed("POST", "private/reset_mmp", reset, { base })).status === 200,
        5000,
        100,
      );
      expect(await mm1Frozen()).toBe(false);
      // Drained again, restore fills every pool back to the start options.
      await credits({ apiKey: KEY, spend: 3 }, base);
      expect((await signed("GET", "private/get_mmp_config", {}, { base })).status).toBe(429);
      await ownCtl.restore();
      for (let i = 0; i < 3; i++) {
        expect((await signed("GET", "private/get_mmp_config", {}, { base })).status).toBe(200);
      }
    } finally {
      await own.close();
    }
  });

  it("over the websocket an empty pool answers 10028 and closes the socket", async () => {
    await credits({ apiKey: KEY, perSecond: 0, burst: 1 });
    const c = await openClient();
    let closeCode: number | null = null;
    c.ws.once("close", (code: number) => (closeCode = code));
    await c.auth();
    const status = await c.request("private/get_mmp_status", { index_name: "btc_usd" });
    expect(status.result).toEqual([{ index_name: "btc_usd", mmp_group: "mm1", frozen_until: 0 }]);
    // The pool is empty now, but these are not matching-engine methods.
    const sub = await c.request("private/subscribe", { channels: ["user.mmp_trigger.btc_usd"] });
    expect(sub.result).toEqual(["user.mmp_trigger.btc_usd"]);
    expect((await c.request("public/get_time")).result).toEqual(expect.any(Number));
    expect(c.closed).toBe(false);
    const refused = await c.request("private/get_mmp_config");
    expect(refused.error).toEqual(tooMany);
    await waitFor(() => c.closed, 2000, 5);
    expect(closeCode).toBe(1008);
    const log = await ctl.log({ method: "WS" });
    expect(log.filter((e) => e.venueCode === 10028)).toHaveLength(1);
    // The pool is per key: another account's socket still calls the engine.
    const b = await openClient();
    await b.auth(KEY_B, "deribit-secret-b");
    expect((await b.request("private/get_mmp_config")).result).toHaveLength(1);
  });

  it("a bearer token whose call found the pool empty is refused afterwards", async () => {
    await credits({ apiKey: KEY, perSecond: 0, burst: 1 });
    const token = await tokenFor();
    expect((await bearer(token, "private/get_mmp_status")).status).toBe(200);
    const refused = await bearer(token, "private/get_mmp_status");
    expect(refused.status).toBe(429);
    expect(refused.body.error).toEqual(tooMany);
    // A full pool again: the token stays refused (its session ended), a new one works.
    await credits({ apiKey: KEY, burst: 5, perSecond: 1000 });
    await waitFor(async () => (await credits({ apiKey: KEY })).body.credits === 5, 2000, 10);
    for (const method of ["private/get_mmp_status", "private/get_cancel_on_disconnect"]) {
      const after = await bearer(token, method, "scope=account");
      expect(after.status).toBe(400);
      expect(after.body.error).toMatchObject({ code: 13009, data: { param: "access_token" } });
    }
    expect((await bearer(await tokenFor(), "private/get_mmp_status")).status).toBe(200);
  });

  it("POST /__sim/credits sets a pool, spend drains it, restore goes back to unlimited", async () => {
    expect((await credits({ apiKey: KEY })).body).toEqual({
      apiKey: KEY,
      credits: null,
      perSecond: null,
      burst: null,
    });
    const set = await credits({ apiKey: KEY, perSecond: 0, burst: 4 });
    expect(set).toEqual({ status: 200, body: { apiKey: KEY, credits: 4, perSecond: 0, burst: 4 } });
    expect((await credits({ apiKey: KEY, spend: 3 })).body.credits).toBe(1);
    expect((await signed("GET", "private/get_mmp_status", {})).status).toBe(200);
    expect((await signed("GET", "private/get_mmp_status", {})).body.error).toEqual(tooMany);
    expect((await credits({ apiKey: KEY, spend: 10 })).body.credits).toBe(0);
    // Validated like every control body; only Deribit keys have a pool.
    expect((await credits({ apiKey: KEY, spend: -1 })).status).toBe(400);
    expect((await credits({ apiKey: KEY, burst: 2, extra: 1 })).status).toBe(400);
    expect((await credits({ apiKey: KEY_B, burst: 2 })).status).toBe(400);
    expect((await credits({ apiKey: "bybitKeyForDeribitTest", burst: 2 })).status).toBe(404);
    await ctl.restore();
    expect((await credits({ apiKey: KEY })).body.credits).toBeNull();
    for (let i = 0; i < 5; i++) {
      expect((await signed("GET", "private/get_mmp_status", {})).status).toBe(200);
    }
  });
});
