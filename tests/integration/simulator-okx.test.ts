import { createHmac, generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator } from "@/simulator";
import type { SimHandle, SimOptions } from "@/simulator/types";

// Talks to the simulator over real HTTP exactly like an OKX v5 client would. Signing is written
// inline on purpose: the simulator must be checked against the venue's rules, not against the
// app's own signer.

const KEY_A = "okxKeyAlpha01";
const SECRET_A = "secret-alpha";
const PASS_A = "Pass-Alpha-1";
const KEY_DEMO = "okxKeyDemo01";
const SECRET_DEMO = "secret-demo";
const PASS_DEMO = "Pass-Demo-1";
const KEY_OFF = "okxKeyNoMmp01";
const KEY_BY = "bybitKeyAlpha01";

// Known-answer vectors of docs/venues.md#okx-signing (computed with independent signers).
const VECTOR = {
  key: "vectorKey",
  secret: "secretsecret",
  passphrase: "vector-pass",
  timestamp: "2020-12-08T09:08:57.715Z",
  getPath: "/api/v5/account/mmp-config?instFamily=BTC-USD",
  getSign: "jaIEx/RT6Upvk8ZdAKkGdSdngwcW8rwQJ6P4abmaTWo=",
  postBody: '{"instType":"OPTION","instFamily":"BTC-USD"}',
  postSign: "Cw3v31N3LCdmxP2NQnkeKzuW2LmW9Vh4VqinE/0w36U=",
};

const OPTIONS: SimOptions = {
  accounts: [
    {
      id: "okx-a",
      venue: "okx",
      apiKey: KEY_A,
      secret: SECRET_A,
      passphrase: PASS_A,
      scopes: [
        // OKX has no delta limit: "0" means none to the simulator's state machine.
        {
          scope: "BTC-USD",
          windowMs: 5000,
          frozenPeriodMs: 100_000,
          qtyLimit: "100",
          deltaLimit: "0",
        },
        {
          scope: "ETH-USD",
          windowMs: 3000,
          frozenPeriodMs: 0,
          qtyLimit: "50",
          deltaLimit: "0",
          triggeredAt: "now",
        },
        {
          scope: "SOL-USD",
          windowMs: 2000,
          frozenPeriodMs: 1000,
          qtyLimit: "10",
          deltaLimit: "0",
          enabled: false,
        },
      ],
    },
    {
      id: "okx-demo",
      venue: "okx",
      apiKey: KEY_DEMO,
      secret: SECRET_DEMO,
      passphrase: PASS_DEMO,
      demoTrading: true,
      scopes: [
        { scope: "BTC-USD", windowMs: 5000, frozenPeriodMs: 0, qtyLimit: "1", deltaLimit: "0" },
      ],
    },
    {
      id: "okx-vector",
      venue: "okx",
      apiKey: VECTOR.key,
      secret: VECTOR.secret,
      passphrase: VECTOR.passphrase,
      scopes: [
        {
          scope: "BTC-USD",
          windowMs: 5000,
          frozenPeriodMs: 0,
          qtyLimit: "1",
          deltaLimit: "0",
          triggeredAt: "now",
        },
      ],
    },
    {
      id: "okx-no-mmp",
      venue: "okx",
      apiKey: KEY_OFF,
      secret: "secret-off",
      passphrase: "pass-off",
      mmpEnabled: false,
      scopes: [
        { scope: "BTC-USD", windowMs: 5000, frozenPeriodMs: 0, qtyLimit: "1", deltaLimit: "0" },
      ],
    },
    {
      id: "by-a",
      venue: "bybit",
      apiKey: KEY_BY,
      secret: "secret-bybit",
      scopes: [{ scope: "BTC", windowMs: 5000, frozenPeriodMs: 0, qtyLimit: "1", deltaLimit: "1" }],
    },
  ],
};

const sign = (secret: string, prehash: string) =>
  createHmac("sha256", secret).update(prehash).digest("base64");

interface SignedOpts {
  key?: string | null;
  secret?: string;
  passphrase?: string | null;
  /** OK-ACCESS-TIMESTAMP; default now (ISO with ms). */
  timestamp?: string;
  demo?: boolean;
  /** Applied after signing. */
  tamperPath?: (p: string) => string;
  tamperBody?: (b: string) => string;
  tamperSign?: (s: string) => string;
  /** Overrides headers after signing; null removes the header. */
  tamperHeaders?: Record<string, string | null>;
  /** Method sent, when it differs from the method signed. */
  sendMethod?: "GET" | "POST";
  signal?: AbortSignal;
}

let sim: SimHandle;

/** prehash = timestamp + METHOD + requestPath (with ?query) + body. */
function signed(method: "GET" | "POST", requestPath: string, body: string, o: SignedOpts = {}) {
  const key = o.key === undefined ? KEY_A : o.key;
  const ts = o.timestamp ?? new Date().toISOString();
  const s = sign(o.secret ?? SECRET_A, `${ts}${method}${requestPath}${body}`);
  const passphrase = o.passphrase === undefined ? PASS_A : o.passphrase;
  const headers: Record<string, string> = {
    "OK-ACCESS-SIGN": o.tamperSign?.(s) ?? s,
    "OK-ACCESS-TIMESTAMP": ts,
  };
  if (key !== null) headers["OK-ACCESS-KEY"] = key;
  if (passphrase !== null) headers["OK-ACCESS-PASSPHRASE"] = passphrase;
  if (o.demo) headers["x-simulated-trading"] = "1";
  if (method === "POST") headers["Content-Type"] = "application/json";
  for (const [name, value] of Object.entries(o.tamperHeaders ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  const path = o.tamperPath?.(requestPath) ?? requestPath;
  const sendMethod = o.sendMethod ?? method;
  return fetch(`${sim.url}${path}`, {
    method: sendMethod,
    headers,
    body: sendMethod === "GET" ? undefined : (o.tamperBody?.(body) ?? body),
    signal: o.signal,
  });
}

const getConfig = (instFamily?: string, o: SignedOpts = {}) =>
  signed(
    "GET",
    `/api/v5/account/mmp-config${instFamily ? `?instFamily=${instFamily}` : ""}`,
    "",
    o,
  );
const reset = (instFamily: string, o: SignedOpts = {}) =>
  signed(
    "POST",
    "/api/v5/account/mmp-reset",
    JSON.stringify({ instType: "OPTION", instFamily }),
    o,
  );

interface Envelope<T = unknown> {
  code: string;
  msg: string;
  data: T[];
}
type MmpEntry = Record<string, string | boolean>;

const json = async <T = unknown>(res: Response) => (await res.json()) as Envelope<T>;
const code = async (res: Response) => (await json(res)).code;
async function entryOf(instFamily: string, o: SignedOpts = {}): Promise<MmpEntry | undefined> {
  const body = await json<MmpEntry>(await getConfig(instFamily, o));
  expect(body.code).toBe("0");
  return body.data[0];
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
  venueCode: string | null;
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

const flipChar = (s: string) => s.replace(/^./, (c) => (c === "A" ? "B" : "A"));
const iso = (ms: number) => new Date(ms).toISOString();

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
  it("the inline signer reproduces the venues.md OKX vectors", () => {
    expect(sign(VECTOR.secret, `${VECTOR.timestamp}GET${VECTOR.getPath}`)).toBe(VECTOR.getSign);
    expect(
      sign(VECTOR.secret, `${VECTOR.timestamp}POST/api/v5/account/mmp-reset${VECTOR.postBody}`),
    ).toBe(VECTOR.postSign);
  });

  it("the simulator accepts both vectors byte for byte (clock skewed to their timestamp)", async () => {
    const skewMs = Date.parse(VECTOR.timestamp) - Date.now() + 100;
    await control("POST", "clock", { venue: "okx", skewMs });
    const headers = {
      "OK-ACCESS-KEY": VECTOR.key,
      "OK-ACCESS-PASSPHRASE": VECTOR.passphrase,
      "OK-ACCESS-TIMESTAMP": VECTOR.timestamp,
    };
    const get = await fetch(`${sim.url}${VECTOR.getPath}`, {
      headers: { ...headers, "OK-ACCESS-SIGN": VECTOR.getSign },
    });
    const config = await json<MmpEntry>(get);
    expect(config.code).toBe("0");
    expect(config.data).toEqual([
      {
        instFamily: "BTC-USD",
        mmpFrozen: true,
        mmpFrozenUntil: "",
        timeInterval: "5000",
        frozenInterval: "0",
        qtyLimit: "1",
      },
    ]);

    const post = await fetch(`${sim.url}/api/v5/account/mmp-reset`, {
      method: "POST",
      headers: {
        ...headers,
        "OK-ACCESS-SIGN": VECTOR.postSign,
        "Content-Type": "application/json",
      },
      body: VECTOR.postBody,
    });
    expect(await json(post)).toEqual({ code: "0", msg: "", data: [{ result: true }] });
    expect((await scopeState(VECTOR.key, "BTC-USD")).frozen).toBe(false);
  });
});

describe("public endpoints", () => {
  it("serves the server time as data[0].ts, a string of ms", async () => {
    const before = Date.now();
    const res = await fetch(`${sim.url}/api/v5/public/time`);
    expect(res.status).toBe(200);
    const body = await json<{ ts: string }>(res);
    expect(body).toMatchObject({ code: "0", msg: "" });
    expect(body.data[0]?.ts).toMatch(/^\d{13}$/);
    const ts = Number(body.data[0]?.ts);
    expect(ts).toBeGreaterThanOrEqual(before - 5);
    expect(ts).toBeLessThanOrEqual(Date.now() + 5);
  });

  it("answers unknown paths 404 and wrong methods 405 in the envelope", async () => {
    const missing = await fetch(`${sim.url}/api/v5/account/nope`);
    expect(missing.status).toBe(404);
    expect(await code(missing)).toBe("404");
    expect((await fetch(`${sim.url}/api/v5/account/mmp-reset`)).status).toBe(405);
  });
});

describe("signing and authentication", () => {
  it("accepts a signed GET without instFamily and lists every configured family", async () => {
    const res = await getConfig();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = await json<MmpEntry>(res);
    expect(body.code).toBe("0");
    expect(body.msg).toBe("");
    expect(body.data).toEqual([
      {
        instFamily: "BTC-USD",
        mmpFrozen: false,
        mmpFrozenUntil: "",
        timeInterval: "5000",
        frozenInterval: "100000",
        qtyLimit: "100",
      },
      {
        instFamily: "ETH-USD",
        mmpFrozen: true,
        mmpFrozenUntil: "",
        timeInterval: "3000",
        frozenInterval: "0",
        qtyLimit: "50",
      },
      {
        instFamily: "SOL-USD",
        mmpFrozen: false,
        mmpFrozenUntil: "",
        timeInterval: "0",
        frozenInterval: "1000",
        qtyLimit: "10",
      },
    ]);
  });

  it("accepts a signed POST with the raw JSON body", async () => {
    const res = await reset("ETH-USD");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ code: "0", msg: "", data: [{ result: true }] });
  });

  // Options are built per test so timestamps are fresh when the request goes out.
  it.each<[string, () => SignedOpts]>([
    ["query byte", () => ({ tamperPath: (p) => p.replace("BTC-USD", "BTC-USd") })],
    ["query (extra parameter)", () => ({ tamperPath: (p) => `${p}&x=1` })],
    ["sign", () => ({ tamperSign: flipChar })],
    ["sign as hex", () => ({ tamperSign: (s) => Buffer.from(s, "base64").toString("hex") })],
    ["secret", () => ({ secret: "not-the-secret" })],
    [
      "timestamp header",
      () => ({
        timestamp: iso(Date.now() - 1000),
        tamperHeaders: { "OK-ACCESS-TIMESTAMP": iso(Date.now()) },
      }),
    ],
  ])("GET with a tampered %s → 50113 (HTTP 401)", async (_name, opts) => {
    const res = await getConfig("BTC-USD", opts());
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({ code: "50113", msg: "Invalid Sign", data: [] });
  });

  it("POST with one changed body byte → 50113, even when the JSON means the same", async () => {
    for (const tamperBody of [
      (b: string) => b.replace("ETH", "ETh"),
      (b: string) => b.replace(":", ": "),
    ]) {
      expect(await code(await reset("ETH-USD", { tamperBody }))).toBe("50113");
    }
    expect((await scopeState(KEY_A, "ETH-USD")).frozen).toBe(true);
  });

  it("a GET signed as POST (method is part of the prehash) → 50113", async () => {
    const res = await signed("POST", "/api/v5/account/mmp-config", "", { sendMethod: "GET" });
    expect(await code(res)).toBe("50113");
  });

  it("rejects an unknown or other-venue key with 50111", async () => {
    for (const key of ["unknownKey123", KEY_BY]) {
      const res = await getConfig("BTC-USD", { key });
      expect(res.status).toBe(401);
      expect(await json(res)).toMatchObject({ code: "50111", msg: "Invalid OK-ACCESS-KEY" });
    }
  });

  it("rejects missing headers with their own codes", async () => {
    const cases: [SignedOpts, string][] = [
      [{ key: null }, "50103"],
      [{ passphrase: null }, "50104"],
      [{ tamperHeaders: { "OK-ACCESS-SIGN": null } }, "50106"],
      [{ tamperHeaders: { "OK-ACCESS-TIMESTAMP": null } }, "50107"],
    ];
    for (const [opts, expected] of cases) {
      const res = await getConfig("BTC-USD", opts);
      expect(res.status).toBe(401);
      expect(await code(res)).toBe(expected);
    }
  });

  it("a wrong passphrase → 50105, even with a valid signature", async () => {
    const res = await getConfig("BTC-USD", { passphrase: "Pass-Alpha-2" });
    expect(res.status).toBe(401);
    expect(await json(res)).toMatchObject({ code: "50105" });
  });

  it("accepts a timestamp within ±30 s of the venue clock, 50102 beyond", async () => {
    expect(await code(await getConfig("BTC-USD", { timestamp: iso(Date.now() - 25_000) }))).toBe(
      "0",
    );
    expect(await code(await getConfig("BTC-USD", { timestamp: iso(Date.now() + 25_000) }))).toBe(
      "0",
    );
    for (const ts of [Date.now() - 31_000, Date.now() + 31_000]) {
      const res = await getConfig("BTC-USD", { timestamp: iso(ts) });
      expect(res.status).toBe(401);
      expect(await json(res)).toMatchObject({ code: "50102", msg: "Timestamp request expired" });
    }
  });

  it("a timestamp that is not ISO 8601 with milliseconds → 50112", async () => {
    const now = new Date();
    for (const timestamp of [
      String(now.getTime()),
      now.toISOString().replace(/\.\d{3}Z$/, "Z"),
      now.toISOString().replace("Z", "+00:00"),
    ]) {
      expect(await code(await getConfig("BTC-USD", { timestamp }))).toBe("50112");
    }
  });

  it("the okx clock skew moves /public/time and the timestamp check", async () => {
    await control("POST", "clock", { venue: "okx", skewMs: 40_000 });
    const time = await json<{ ts: string }>(await fetch(`${sim.url}/api/v5/public/time`));
    const venueNow = Number(time.data[0]?.ts);
    expect(venueNow - Date.now()).toBeGreaterThan(35_000);
    expect(await code(await getConfig("BTC-USD"))).toBe("50102");
    expect(await code(await getConfig("BTC-USD", { timestamp: iso(venueNow) }))).toBe("0");
    const { json: state } = await control("GET", "state");
    expect(state.clocks).toMatchObject({ okx: { skewMs: 40_000 }, bybit: { skewMs: 0 } });
  });

  it("a demo key needs x-simulated-trading: 1 and a live key must not send it (50101)", async () => {
    const demo = { key: KEY_DEMO, secret: SECRET_DEMO, passphrase: PASS_DEMO };
    expect(await code(await getConfig("BTC-USD", { ...demo, demo: true }))).toBe("0");
    for (const res of [
      await getConfig("BTC-USD", demo),
      await getConfig("BTC-USD", { demo: true }),
      await reset("BTC-USD", { ...demo, demo: false }),
    ]) {
      expect(res.status).toBe(401);
      expect(await json(res)).toMatchObject({
        code: "50101",
        msg: "APIKey does not match current environment.",
      });
    }
    expect((await scopeState(KEY_DEMO, "BTC-USD")).counterResets).toBe(0);
  });

  it("rate-limits mmp-config at 5 per 2 s per key with 50011 (HTTP 429)", async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => getConfig()));
    const codes = await Promise.all(answers.map(code));
    expect(codes.filter((c) => c === "0")).toHaveLength(5);
    expect(codes.filter((c) => c === "50011")).toHaveLength(1);
    expect(answers[codes.indexOf("50011")]?.status).toBe(429);
    // Per key: another account is not affected.
    const demo = { key: KEY_DEMO, secret: SECRET_DEMO, passphrase: PASS_DEMO, demo: true };
    expect(await code(await getConfig(undefined, demo))).toBe("0");
  });

  it("rate-limits mmp-reset separately, and the window slides", async () => {
    const codes = await Promise.all(
      Array.from({ length: 6 }, async () => code(await reset("BTC-USD"))),
    );
    expect(codes.sort()).toEqual(["0", "0", "0", "0", "0", "50011"]);
    expect(await code(await getConfig("BTC-USD"))).toBe("0");
    await new Promise((r) => setTimeout(r, 2100));
    expect(await code(await reset("BTC-USD"))).toBe("0");
  });

  it("auth failures are not counted against the rate limit", async () => {
    for (let i = 0; i < 6; i += 1) await getConfig("BTC-USD", { secret: "wrong" });
    expect(await code(await getConfig("BTC-USD"))).toBe("0");
  });
});

describe("MMP semantics", () => {
  it("instFamily filters the list; an unknown family answers an empty list", async () => {
    const body = await json<MmpEntry>(await getConfig("BTC-USD"));
    expect(body.data.map((e) => e.instFamily)).toEqual(["BTC-USD"]);
    expect((await json(await getConfig("XRP-USD"))).data).toEqual([]);
  });

  it("freeze → mmpFrozen with mmpFrozenUntil = trigger + frozenInterval (epoch ms)", async () => {
    await control("POST", "freeze", { apiKey: KEY_A, scope: "BTC-USD" });
    const state = await scopeState(KEY_A, "BTC-USD");
    expect(await entryOf("BTC-USD")).toMatchObject({
      mmpFrozen: true,
      mmpFrozenUntil: String(state.lastTriggerTime + 100_000),
    });
  });

  it('a manual-reset freeze (frozenInterval "0") reports mmpFrozenUntil ""', async () => {
    expect(await entryOf("ETH-USD")).toMatchObject({
      mmpFrozen: true,
      frozenInterval: "0",
      mmpFrozenUntil: "",
    });
  });

  it("reset unfreezes and clears the counters; mmpFrozenUntil goes back to empty", async () => {
    await control("POST", "freeze", { apiKey: KEY_A, scope: "BTC-USD" });
    expect(await code(await reset("BTC-USD"))).toBe("0");
    expect(await entryOf("BTC-USD")).toMatchObject({ mmpFrozen: false, mmpFrozenUntil: "" });
    expect(await scopeState(KEY_A, "BTC-USD")).toMatchObject({ frozen: false, counterResets: 1 });
  });

  it("a timed freeze ends by itself", async () => {
    await control("POST", "scope", { apiKey: KEY_A, scope: "BTC-USD", frozenPeriodMs: 200 });
    await control("POST", "freeze", { apiKey: KEY_A, scope: "BTC-USD" });
    await waitFor(async () => !(await scopeState(KEY_A, "BTC-USD")).frozen);
    expect(await entryOf("BTC-USD")).toMatchObject({ mmpFrozen: false, mmpFrozenUntil: "" });
  });

  it("reset checks its body: instFamily required, instType OPTION, a configured family", async () => {
    const post = (body: string) => signed("POST", "/api/v5/account/mmp-reset", body);
    const noFamily = await post('{"instType":"OPTION"}');
    expect(noFamily.status).toBe(400);
    expect(await code(noFamily)).toBe("50014");
    expect(await code(await post("{not json"))).toBe("50002");
    const futures = await post('{"instType":"FUTURES","instFamily":"BTC-USD"}');
    expect(futures.status).toBe(200);
    expect(await code(futures)).toBe("51000");
    // instType may be omitted (OPTION is the only type with MMP).
    expect(await code(await post('{"instFamily":"BTC-USD"}'))).toBe("0");
  });

  it('reset of a family without MMP (unknown, or timeInterval "0") → 51000', async () => {
    expect(await code(await reset("XRP-USD"))).toBe("51000");
    const off = await reset("SOL-USD");
    expect(off.status).toBe(200);
    expect(await json(off)).toEqual({ code: "51000", msg: "Parameter instFamily error", data: [] });
  });

  it("an account without the MMP privilege has no configuration and cannot reset", async () => {
    const o = { key: KEY_OFF, secret: "secret-off", passphrase: "pass-off" };
    expect((await json(await getConfig(undefined, o))).data).toEqual([]);
    expect(await code(await reset("BTC-USD", o))).toBe("51000");
  });

  it("okxFrozenUntilAsDuration sends the time left instead of epoch ms", async () => {
    const other = await startSimulator({ ...OPTIONS, okxFrozenUntilAsDuration: true });
    try {
      await fetch(`${other.url}/__sim/freeze`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ apiKey: KEY_A, scope: "BTC-USD" }),
      });
      const ts = new Date().toISOString();
      const path = "/api/v5/account/mmp-config";
      const res = await fetch(`${other.url}${path}`, {
        headers: {
          "OK-ACCESS-KEY": KEY_A,
          "OK-ACCESS-PASSPHRASE": PASS_A,
          "OK-ACCESS-TIMESTAMP": ts,
          "OK-ACCESS-SIGN": sign(SECRET_A, `${ts}GET${path}`),
        },
      });
      const body = await json<MmpEntry>(res);
      const btc = body.data.find((e) => e.instFamily === "BTC-USD");
      const left = Number(btc?.mmpFrozenUntil);
      expect(btc?.mmpFrozen).toBe(true);
      expect(left).toBeGreaterThan(99_000);
      expect(left).toBeLessThanOrEqual(100_000);
      // The manual freeze still reports "".
      expect(body.data.find((e) => e.instFamily === "ETH-USD")?.mmpFrozenUntil).toBe("");
    } finally {
      await other.close();
    }
  });
});

describe("faults", () => {
  const fault = (spec: Record<string, unknown>) => control("POST", "faults", spec);

  it("status 500 answers an OKX body; apply:true performs the reset, otherwise not", async () => {
    await fault({ venue: "okx", kind: "status", status: 500, path: "/api/v5/account/mmp-reset" });
    const failed = await reset("ETH-USD");
    expect(failed.status).toBe(500);
    expect(await code(failed)).toBe("50026");
    expect((await scopeState(KEY_A, "ETH-USD")).frozen).toBe(true);

    await fault({ kind: "status", status: 503, path: "/api/v5/account/mmp-reset", apply: true });
    const applied = await reset("ETH-USD");
    expect(applied.status).toBe(503);
    expect(await code(applied)).toBe("50001");
    expect((await scopeState(KEY_A, "ETH-USD")).frozen).toBe(false);
  });

  it("429 answers 50011 with Retry-After; 401 answers 50111", async () => {
    await fault({ venue: "okx", kind: "status", status: 429, retryAfterSec: 2, apiKey: KEY_A });
    const limited = await getConfig("BTC-USD");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(await json(limited)).toEqual({ code: "50011", msg: "Too Many Requests", data: [] });
    await fault({ venue: "okx", kind: "status", status: 401 });
    expect(await code(await getConfig("BTC-USD"))).toBe("50111");
    expect(await code(await getConfig("BTC-USD"))).toBe("0");
  });

  it("an okx fault does not touch Bybit requests", async () => {
    await fault({ venue: "okx", kind: "status", status: 503, times: 0 });
    expect((await fetch(`${sim.url}/v5/market/time`)).status).toBe(200);
    expect((await fetch(`${sim.url}/api/v5/public/time`)).status).toBe(503);
  });

  it("hang never answers (client aborts) but apply:true still resets", async () => {
    await fault({ venue: "okx", kind: "hang", path: "/api/v5/account/mmp-reset", apply: true });
    const hung = reset("ETH-USD", { signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow(/abort|timeout/i);
    expect((await scopeState(KEY_A, "ETH-USD")).frozen).toBe(false);
    const [entry] = await logEntries("?path=/api/v5/account/mmp-reset");
    expect(entry).toMatchObject({ venue: "okx", fault: "hang", status: null });
  }, 10_000);

  it("drop resets the connection; bad-json answers 200 with truncated JSON", async () => {
    await fault({ venue: "okx", kind: "drop", path: "/api/v5/account/mmp-config" });
    await expect(getConfig("BTC-USD")).rejects.toThrow();
    await fault({
      venue: "okx",
      kind: "bad-json",
      path: "/api/v5/account/mmp-config",
      apply: true,
    });
    const res = await getConfig("BTC-USD");
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });
});

describe("request log and control API", () => {
  it("records OKX requests with venue okx and venueCode = the string code when not 0", async () => {
    await getConfig("BTC-USD");
    await getConfig("BTC-USD", { key: "unknownKey123" });
    await getConfig("BTC-USD", { secret: "wrong" });
    await getConfig("BTC-USD", { passphrase: "wrong" });
    await getConfig("BTC-USD", { timestamp: iso(Date.now() - 60_000) });
    await control("POST", "faults", { venue: "okx", kind: "status", status: 503 });
    await getConfig("BTC-USD");

    const entries = await logEntries("?path=/api/v5/account/mmp-config&method=get");
    expect(entries.map((e) => [e.venue, e.status, e.venueCode, e.fault])).toEqual([
      ["okx", 200, null, null],
      ["okx", 401, "50111", null],
      ["okx", 401, "50113", null],
      ["okx", 401, "50105", null],
      ["okx", 401, "50102", null],
      ["okx", 503, "50001", "status"],
    ]);
    expect(entries[0]).toMatchObject({
      apiKey: KEY_A,
      method: "GET",
      query: "instFamily=BTC-USD",
      body: null,
    });
    await reset("ETH-USD");
    const [post] = await logEntries("?path=/api/v5/account/mmp-reset");
    expect(post?.body).toBe('{"instType":"OPTION","instFamily":"ETH-USD"}');
    const all = JSON.stringify(await logEntries());
    expect(all).not.toContain(SECRET_A);
    expect(all).not.toContain(PASS_A);
  });

  it("restore brings back OKX state, skew and rate-limit counters", async () => {
    await control("POST", "freeze", { apiKey: KEY_A, scope: "BTC-USD" });
    await control("POST", "scope", { apiKey: KEY_A, scope: "SOL-USD", enabled: true });
    for (let i = 0; i < 5; i += 1) await getConfig("BTC-USD");
    expect(await code(await getConfig("BTC-USD"))).toBe("50011");
    await control("POST", "clock", { venue: "okx", skewMs: 50_000 });

    expect((await control("POST", "restore")).status).toBe(200);
    expect(await entryOf("BTC-USD")).toMatchObject({ mmpFrozen: false });
    expect(await entryOf("SOL-USD")).toMatchObject({ timeInterval: "0" });
    const { json: state } = await control("GET", "state");
    const okx = (state.accounts as { id: string; venue: string; keyType: string }[]).find(
      (a) => a.id === "okx-a",
    );
    expect(okx).toMatchObject({ venue: "okx", keyType: "hmac" });
    expect(JSON.stringify(state)).not.toContain(PASS_A);
  });

  it("refuses to start an OKX account without a passphrase or with a key pair", async () => {
    const scopes = OPTIONS.accounts[0]?.scopes ?? [];
    const { publicKey } = generateKeyPairSync("ed25519");
    const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    await expect(
      startSimulator({
        accounts: [{ id: "x", venue: "okx", apiKey: "k", secret: "s", scopes }],
      }),
    ).rejects.toThrow(/passphrase/);
    await expect(
      startSimulator({
        accounts: [
          {
            id: "x",
            venue: "okx",
            apiKey: "k",
            secret: "s",
            passphrase: "p",
            keyType: "ed25519",
            publicKeyPem,
            scopes,
          },
        ],
      }),
    ).rejects.toThrow(/hmac/);
  });

  it("the fill generator trips OKX scopes (quantity limit only)", async () => {
    const okxOnly = { accounts: OPTIONS.accounts.filter((a) => a.id === "okx-a") };
    const other = await startSimulator({
      ...okxOnly,
      fillGenerator: { intervalMs: 20, probability: 1 },
    });
    try {
      await waitFor(async () => (await scopeState(KEY_A, "BTC-USD", other.url)).frozen);
      expect((await scopeState(KEY_A, "SOL-USD", other.url)).frozen).toBe(false);
    } finally {
      await other.close();
    }
  });
});
