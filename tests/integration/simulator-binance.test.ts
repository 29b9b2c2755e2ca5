import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator } from "@/simulator";
import type { SimHandle, SimOptions } from "@/simulator/types";

// Talks to the simulator over real HTTP exactly like a Binance client would. Signing is written
// inline on purpose: the simulator must be checked against the venue's rules, not against the
// app's own signer.

const KEY_A = "simKeyAlpha0123456789";
const SECRET_A = "secret-alpha";
const KEY_B = "simKeyBravo0123456789";
const SECRET_B = "secret-bravo";

// Known-answer vector of docs/venues.md#binance-signing: mmpReset signed with the secret of
// Binance's spot documentation (computed with an independent signer).
const VECTOR = {
  key: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
  secret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
  query: "underlying=BTCUSDT&recvWindow=5000&timestamp=1499827319559",
  signature: "2ada07a338ca2ff2c1fc9f4a487948003ce8b10c494d44d31ad19f5e6f08f2a8",
  timestamp: 1499827319559,
};

const OPTIONS: SimOptions = {
  accounts: [
    {
      id: "bn-a",
      venue: "binance",
      apiKey: KEY_A,
      secret: SECRET_A,
      scopes: [
        {
          scope: "BTCUSDT",
          windowMs: 3000,
          frozenPeriodMs: 300_000,
          qtyLimit: "2",
          deltaLimit: "2.3",
        },
        {
          scope: "ETHUSDT",
          windowMs: 3000,
          frozenPeriodMs: 0,
          qtyLimit: "5",
          deltaLimit: "4",
          triggeredAt: "now",
        },
        {
          scope: "SOLUSDT",
          windowMs: 3000,
          frozenPeriodMs: 0,
          qtyLimit: "1",
          deltaLimit: "1",
          enabled: false,
        },
      ],
    },
    {
      id: "bn-vector",
      venue: "binance",
      apiKey: VECTOR.key,
      secret: VECTOR.secret,
      scopes: [
        { scope: "BTCUSDT", windowMs: 3000, frozenPeriodMs: 0, qtyLimit: "1", deltaLimit: "1" },
      ],
    },
    {
      id: "bn-b",
      venue: "binance",
      apiKey: KEY_B,
      secret: SECRET_B,
      scopes: [
        { scope: "DOGEUSDT", windowMs: 1000, frozenPeriodMs: 0, qtyLimit: "9", deltaLimit: "9" },
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
  /** Applied to the final query string / body after signing. */
  tamperQuery?: (q: string) => string;
  tamperBody?: (b: string) => string;
  signal?: AbortSignal;
}

let sim: SimHandle;

/** query goes into the URL, body (if any) as form data; the signature ends whichever is last. */
function signed(method: string, path: string, query: string, body = "", o: SignedOpts = {}) {
  const ts = `timestamp=${o.timestamp ?? Date.now()}`;
  let q = body ? query : [query, ts].filter(Boolean).join("&");
  let b = body ? `${body}&${ts}` : "";
  const sig = hmac(o.secret ?? SECRET_A, q + b);
  if (b) b += `&signature=${sig}`;
  else q += `&signature=${sig}`;
  q = o.tamperQuery?.(q) ?? q;
  b = o.tamperBody?.(b) ?? b;
  const headers: Record<string, string> = {};
  const key = o.key === undefined ? KEY_A : o.key;
  if (key !== null) headers["X-MBX-APIKEY"] = key;
  if (b) headers["Content-Type"] = "application/x-www-form-urlencoded";
  return fetch(`${sim.url}${path}${q ? `?${q}` : ""}`, {
    method,
    headers,
    body: b || undefined,
    signal: o.signal,
  });
}

const getMmp = (underlying: string, o: SignedOpts = {}) =>
  signed("GET", "/eapi/v1/mmp", `underlying=${underlying}&recvWindow=5000`, "", o);
const resetMmp = (underlying: string, o: SignedOpts = {}) =>
  signed("POST", "/eapi/v1/mmpReset", "", `underlying=${underlying}&recvWindow=5000`, o);

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
  frozen: boolean;
  frozenUntil: number | null;
  lastTriggerTime: number;
}
async function scopeState(apiKey: string, scope: string): Promise<ScopeView> {
  const { json } = await control("GET", "state");
  const accounts = json.accounts as { apiKey: string; scopes: ScopeView[] }[];
  const found = accounts.find((a) => a.apiKey === apiKey)?.scopes.find((s) => s.scope === scope);
  if (!found) throw new Error(`no scope ${scope}`);
  return found;
}

interface LogView {
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

const codeOf = async (res: Response) => ((await res.json()) as { code: number }).code;

beforeAll(async () => {
  sim = await startSimulator(OPTIONS);
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  expect((await control("POST", "restore")).status).toBe(200);
});

describe("public endpoints", () => {
  it("serves time and exchangeInfo with the union of Binance scopes", async () => {
    const before = Date.now();
    const time = (await (await fetch(`${sim.url}/eapi/v1/time`)).json()) as { serverTime: number };
    expect(time.serverTime).toBeGreaterThanOrEqual(before - 5);
    expect(time.serverTime).toBeLessThanOrEqual(Date.now() + 5);

    const info = (await (await fetch(`${sim.url}/eapi/v1/exchangeInfo`)).json()) as {
      timezone: string;
      optionContracts: { underlying: string; baseAsset: string; quoteAsset: string; id: number }[];
    };
    expect(info.timezone).toBe("UTC");
    expect(info.optionContracts.map((c) => c.underlying).sort()).toEqual([
      "BTCUSDT",
      "DOGEUSDT",
      "ETHUSDT",
      "SOLUSDT",
    ]);
    expect(info.optionContracts.find((c) => c.underlying === "BTCUSDT")).toMatchObject({
      baseAsset: "BTC",
      quoteAsset: "USDT",
      id: 2,
    });
  });
});

describe("signing and authentication", () => {
  it("accepts a valid signed GET and reports used weight", async () => {
    const res = await getMmp("BTCUSDT");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(Number(res.headers.get("x-mbx-used-weight-1m"))).toBeGreaterThan(0);
    expect(await res.json()).toEqual({
      underlyingId: 2,
      underlying: "BTCUSDT",
      windowTimeInMilliseconds: 3000,
      frozenTimeInMilliseconds: 300000,
      qtyLimit: "2",
      deltaLimit: "2.3",
      lastTriggerTime: 0,
    });
  });

  it("accepts the published mmpReset known-answer vector (clock skewed to its timestamp)", async () => {
    await control("POST", "clock", {
      venue: "binance",
      skewMs: VECTOR.timestamp - Date.now() + 100,
    });
    const url = `${sim.url}/eapi/v1/mmpReset?${VECTOR.query}&signature=${VECTOR.signature}`;
    const res = await fetch(url, { method: "POST", headers: { "X-MBX-APIKEY": VECTOR.key } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ underlying: "BTCUSDT", lastTriggerTime: 0 });
  });

  it("accepts params split between query and body (signed without '&' between)", async () => {
    const res = await signed("POST", "/eapi/v1/mmpReset", "underlying=ETHUSDT", "recvWindow=5000");
    expect(res.status).toBe(200);
    expect((await scopeState(KEY_A, "ETHUSDT")).frozen).toBe(false);
  });

  it.each([
    ["query", { tamperQuery: (q: string) => q.replace("recvWindow=5000", "recvWindow=5001") }],
    ["signature", { tamperQuery: (q: string) => q.replace(/.$/, (c) => (c === "0" ? "1" : "0")) }],
    ["secret", { secret: "not-the-secret" }],
  ])("rejects a tampered %s with -1022", async (_name, o) => {
    const res = await getMmp("BTCUSDT", o);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: -1022,
      msg: "Signature for this request is not valid.",
    });
  });

  it("rejects one tampered byte in the body with -1022", async () => {
    const res = await resetMmp("ETHUSDT", { tamperBody: (b) => b.replace("ETHUSDT", "ETHUSDt") });
    expect(await codeOf(res)).toBe(-1022);
    expect((await scopeState(KEY_A, "ETHUSDT")).frozen).toBe(true);
  });

  it("requires the signature to be the last parameter", async () => {
    const q = `underlying=BTCUSDT&timestamp=${Date.now()}`;
    const res = await fetch(
      `${sim.url}/eapi/v1/mmp?${q}&signature=${hmac(SECRET_A, q)}&recvWindow=5000`,
      {
        headers: { "X-MBX-APIKEY": KEY_A },
      },
    );
    expect(await codeOf(res)).toBe(-1022);
  });

  it("rejects a missing or unknown API key with -2015 (HTTP 401)", async () => {
    for (const key of [null, "unknownKey123"]) {
      const res = await getMmp("BTCUSDT", { key });
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe(-2015);
    }
  });

  it("enforces the timestamp window and recvWindow", async () => {
    expect(await codeOf(await getMmp("BTCUSDT", { timestamp: Date.now() - 6000 }))).toBe(-1021);
    expect(await codeOf(await getMmp("BTCUSDT", { timestamp: Date.now() + 1500 }))).toBe(-1021);
    const q = `underlying=BTCUSDT&recvWindow=60000&timestamp=${Date.now()}`;
    const rw = await fetch(`${sim.url}/eapi/v1/mmp?${q}&signature=${hmac(SECRET_A, q)}`, {
      headers: { "X-MBX-APIKEY": KEY_A },
    });
    expect(await codeOf(rw)).toBe(-1131);
    const noTs = "underlying=BTCUSDT";
    const missing = await fetch(
      `${sim.url}/eapi/v1/mmp?${noTs}&signature=${hmac(SECRET_A, noTs)}`,
      {
        headers: { "X-MBX-APIKEY": KEY_A },
      },
    );
    expect(await codeOf(missing)).toBe(-1102);
  });

  it("applies clock skew to /time and to the timestamp check", async () => {
    expect((await control("POST", "clock", { venue: "binance", skewMs: 120_000 })).status).toBe(
      200,
    );
    const { serverTime } = (await (await fetch(`${sim.url}/eapi/v1/time`)).json()) as {
      serverTime: number;
    };
    expect(serverTime - Date.now()).toBeGreaterThan(110_000);
    expect(await codeOf(await getMmp("BTCUSDT"))).toBe(-1021);
    expect((await getMmp("BTCUSDT", { timestamp: serverTime })).status).toBe(200);
  });
});

describe("MMP semantics", () => {
  it("freeze sets lastTriggerTime; reset unfreezes and keeps it by default", async () => {
    const frozen = await control("POST", "freeze", { apiKey: KEY_A, scope: "BTCUSDT" });
    expect(frozen.json).toMatchObject({ frozen: true });
    const body = (await (await getMmp("BTCUSDT")).json()) as { lastTriggerTime: number };
    expect(body.lastTriggerTime).toBeGreaterThan(0);
    const state = await scopeState(KEY_A, "BTCUSDT");
    expect(state.frozenUntil).toBe(body.lastTriggerTime + 300_000);

    const reset = await resetMmp("BTCUSDT");
    expect(reset.status).toBe(200);
    expect(((await reset.json()) as { lastTriggerTime: number }).lastTriggerTime).toBe(
      body.lastTriggerTime,
    );
    expect(await scopeState(KEY_A, "BTCUSDT")).toMatchObject({ frozen: false, frozenUntil: null });
  });

  it("reports a manual freeze (period 0) with frozenUntil null", async () => {
    expect(await scopeState(KEY_A, "ETHUSDT")).toMatchObject({ frozen: true, frozenUntil: null });
  });

  it("answers -6006 for a disabled scope and -6004 for an unknown underlying", async () => {
    const disabled = await getMmp("SOLUSDT");
    expect(disabled.status).toBe(400);
    expect(await disabled.json()).toEqual({ code: -6006, msg: "MMP rules do not exist." });
    expect(await codeOf(await getMmp("NOPEUSDT"))).toBe(-6004);
  });

  it("mmpSet changes the config", async () => {
    const body =
      "underlying=BTCUSDT&windowTimeInMilliseconds=2000&frozenTimeInMilliseconds=0&qtyLimit=3&deltaLimit=4";
    const res = await signed("POST", "/eapi/v1/mmpSet", "", body);
    expect(await res.json()).toMatchObject({
      windowTimeInMilliseconds: 2000,
      frozenTimeInMilliseconds: 0,
      qtyLimit: "3",
    });
  });

  it("zeroes lastTriggerTime on reset when binanceResetClearsTrigger is set", async () => {
    const main = sim;
    sim = await startSimulator({ ...OPTIONS, binanceResetClearsTrigger: true });
    try {
      const reset = await resetMmp("ETHUSDT");
      expect(((await reset.json()) as { lastTriggerTime: number }).lastTriggerTime).toBe(0);
      expect(await scopeState(KEY_A, "ETHUSDT")).toMatchObject({
        frozen: false,
        lastTriggerTime: 0,
      });
    } finally {
      await sim.close();
      sim = main;
    }
  });
});

describe("faults", () => {
  const fault = (spec: Record<string, unknown>) => control("POST", "faults", spec);

  it("latency delays and then answers normally", async () => {
    await fault({ kind: "latency", ms: 300, path: "/eapi/v1/mmp" });
    const t0 = Date.now();
    expect((await getMmp("BTCUSDT")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  it("status answers the given status with Retry-After, once by default", async () => {
    await fault({ kind: "status", status: 429, retryAfterSec: 7, apiKey: KEY_A });
    const limited = await getMmp("BTCUSDT");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(await codeOf(limited)).toBe(-1003);
    expect((await getMmp("BTCUSDT")).status).toBe(200);
  });

  it("times: 0 keeps failing until cleared and only matches its apiKey", async () => {
    await fault({ kind: "status", status: 503, times: 0, apiKey: KEY_A });
    expect((await getMmp("BTCUSDT")).status).toBe(503);
    expect((await getMmp("BTCUSDT")).status).toBe(503);
    expect((await getMmp("DOGEUSDT", { key: KEY_B, secret: SECRET_B })).status).toBe(200);
    await control("DELETE", "faults");
    expect((await getMmp("BTCUSDT")).status).toBe(200);
  });

  it("status with apply:true performs the reset; without apply it does not", async () => {
    await fault({ kind: "status", status: 500, path: "/eapi/v1/mmpReset" });
    expect((await resetMmp("ETHUSDT")).status).toBe(500);
    expect((await scopeState(KEY_A, "ETHUSDT")).frozen).toBe(true);

    await fault({ kind: "status", status: 500, path: "/eapi/v1/mmpReset", apply: true });
    expect((await resetMmp("ETHUSDT")).status).toBe(500);
    expect((await scopeState(KEY_A, "ETHUSDT")).frozen).toBe(false);
  });

  it("hang never answers (client times out) but apply:true still resets", async () => {
    await fault({ kind: "hang", path: "/eapi/v1/mmpReset", apply: true });
    const hung = resetMmp("ETHUSDT", { signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow(/abort|timeout/i);
    expect((await scopeState(KEY_A, "ETHUSDT")).frozen).toBe(false);
    const [entry] = await logEntries("?path=/eapi/v1/mmpReset");
    expect(entry).toMatchObject({ fault: "hang", status: null });
  }, 10_000);

  it("drop resets the connection", async () => {
    await fault({ kind: "drop" });
    await expect(getMmp("BTCUSDT")).rejects.toThrow();
    expect((await getMmp("BTCUSDT")).status).toBe(200);
  });

  it("bad-json answers 200 with truncated JSON", async () => {
    await fault({ kind: "bad-json", path: "/eapi/v1/mmp", apply: true });
    const res = await getMmp("BTCUSDT");
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it("rejects an invalid fault spec with 400", async () => {
    expect((await fault({ kind: "explode" })).status).toBe(400);
    expect((await fault({ kind: "status", status: 42 })).status).toBe(400);
  });
});

describe("request log", () => {
  it("records every venue request with status, venueCode and fault, never the secret", async () => {
    await getMmp("BTCUSDT");
    await getMmp("BTCUSDT", { key: null });
    await getMmp("BTCUSDT", { secret: "wrong" });
    await control("POST", "faults", { kind: "status", status: 503 });
    await getMmp("BTCUSDT");
    await fetch(`${sim.url}/eapi/v1/time`);

    const entries = await logEntries("?path=/eapi/v1/mmp&method=get");
    expect(entries.map((e) => [e.status, e.venueCode, e.fault])).toEqual([
      [200, null, null],
      [401, -2015, null],
      [400, -1022, null],
      [503, -1001, "status"],
    ]);
    expect(entries[0]).toMatchObject({ apiKey: KEY_A, method: "GET", body: null });
    expect(entries[0]?.query).toContain("underlying=BTCUSDT");
    expect(entries[1]?.apiKey).toBeNull();
    expect(JSON.stringify(await logEntries())).not.toContain(SECRET_A);
    expect(await logEntries("?venue=binance")).toHaveLength(5);

    expect((await control("DELETE", "log")).status).toBe(200);
    expect(await logEntries()).toHaveLength(0);
  });

  it("logs a POST body as received", async () => {
    await resetMmp("BTCUSDT");
    const [entry] = await logEntries("?path=/eapi/v1/mmpReset");
    expect(entry?.body).toMatch(
      /^underlying=BTCUSDT&recvWindow=5000&timestamp=\d+&signature=[0-9a-f]{64}$/,
    );
  });
});

describe("control API", () => {
  it("restore brings back state, faults, skew and log", async () => {
    await control("POST", "freeze", { apiKey: KEY_A, scope: "BTCUSDT" });
    await control("POST", "scope", {
      apiKey: KEY_A,
      scope: "SOLUSDT",
      enabled: true,
      qtyLimit: "7",
    });
    await control("POST", "clock", { skewMs: 50_000 });
    await control("POST", "faults", {
      kind: "status",
      status: 500,
      times: 0,
      path: "/eapi/v1/time",
    });
    expect((await getMmp("SOLUSDT")).status).toBe(400); // skewed clock

    expect((await control("POST", "restore")).status).toBe(200);
    expect((await scopeState(KEY_A, "BTCUSDT")).frozen).toBe(false);
    expect((await fetch(`${sim.url}/eapi/v1/time`)).status).toBe(200);
    expect(await codeOf(await getMmp("SOLUSDT"))).toBe(-6006);
    const { json } = await control("GET", "state");
    expect(json.clocks).toMatchObject({ binance: { skewMs: 0 } });
    expect((await logEntries()).length).toBe(2);
  });

  it("scope patch enables a scope and changes what the venue reports", async () => {
    const patched = await control("POST", "scope", {
      apiKey: KEY_A,
      scope: "SOLUSDT",
      enabled: true,
    });
    expect(patched.status).toBe(200);
    expect((await getMmp("SOLUSDT")).status).toBe(200);
  });

  it("answers 400 on bad input and 404 on unknown targets", async () => {
    expect((await control("POST", "freeze", { apiKey: KEY_A })).status).toBe(400);
    expect((await control("POST", "clock", { skewMs: "soon" })).status).toBe(400);
    expect(
      (await control("POST", "scope", { apiKey: KEY_A, scope: "BTCUSDT", bogus: 1 })).status,
    ).toBe(400);
    expect((await control("POST", "freeze", { apiKey: "nobody", scope: "BTCUSDT" })).status).toBe(
      404,
    );
    expect((await control("POST", "freeze", { apiKey: KEY_A, scope: "SOLUSDT" })).status).toBe(409);
    expect((await control("GET", "health")).json).toEqual({ ok: true });
  });
});

describe("lifecycle", () => {
  it("close() ends hanging connections", async () => {
    const other = await startSimulator(OPTIONS);
    await fetch(`${other.url}/__sim/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "hang", times: 0 }),
    });
    const hung = fetch(`${other.url}/eapi/v1/time`).then(
      () => "answered",
      () => "failed",
    );
    await waitFor(async () => {
      const res = await fetch(`${other.url}/__sim/log`);
      return ((await res.json()) as { entries: unknown[] }).entries.length > 0;
    });
    const t0 = Date.now();
    await other.close();
    expect(await hung).toBe("failed");
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("the fill generator trips active scopes", async () => {
    const other = await startSimulator({
      ...OPTIONS,
      fillGenerator: { intervalMs: 20, probability: 1 },
    });
    try {
      await waitFor(async () => {
        const res = await fetch(`${other.url}/__sim/state`);
        const { accounts } = (await res.json()) as { accounts: { scopes: ScopeView[] }[] };
        return accounts.flatMap((a) => a.scopes).filter((s) => s.frozen).length >= 3;
      });
    } finally {
      await other.close();
    }
  });
});
