import { createHmac, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator } from "@/simulator";
import type { SimAccountSpec, SimHandle, SimOptions } from "@/simulator/types";

// Key-pair API keys against the simulator over real HTTP: Binance RSA and Ed25519, Bybit RSA.
// Keys are generated here and signing is inline (node:crypto only), never the app's signer.

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ed = generateKeyPairSync("ed25519");
const otherRsa = generateKeyPairSync("rsa", { modulusLength: 2048 });

const spki = (k: KeyObject) => k.export({ type: "spki", format: "pem" }).toString();

const BN_RSA = "binanceRsaKey01";
const BN_RSA_PKCS1 = "binanceRsaPkcs1Key01";
const BN_ED = "binanceEdKey01";
const BY_RSA = "bybitRsaKey01";
// A key-pair account still carries a secret field; it must never verify anything.
const UNUSED_SECRET = "not-used-for-key-pairs";

const frozenBtc = (scope: string) => [
  {
    scope,
    windowMs: 3000,
    frozenPeriodMs: 0,
    qtyLimit: "1",
    deltaLimit: "1",
    triggeredAt: "now" as const,
  },
];

const accounts: SimAccountSpec[] = [
  {
    id: "bn-rsa",
    venue: "binance",
    apiKey: BN_RSA,
    secret: UNUSED_SECRET,
    keyType: "rsa",
    publicKeyPem: spki(rsa.publicKey),
    scopes: frozenBtc("BTCUSDT"),
  },
  {
    id: "bn-rsa-pkcs1",
    venue: "binance",
    apiKey: BN_RSA_PKCS1,
    secret: UNUSED_SECRET,
    keyType: "rsa",
    publicKeyPem: rsa.publicKey.export({ type: "pkcs1", format: "pem" }).toString(),
    scopes: frozenBtc("BTCUSDT"),
  },
  {
    id: "bn-ed",
    venue: "binance",
    apiKey: BN_ED,
    secret: UNUSED_SECRET,
    keyType: "ed25519",
    publicKeyPem: spki(ed.publicKey),
    scopes: frozenBtc("BTCUSDT"),
  },
  {
    id: "by-rsa",
    venue: "bybit",
    apiKey: BY_RSA,
    secret: UNUSED_SECRET,
    keyType: "rsa",
    publicKeyPem: spki(rsa.publicKey),
    scopes: frozenBtc("BTC"),
  },
];
const OPTIONS: SimOptions = { accounts };

let sim: SimHandle;

/** RSA → RSASSA-PKCS1-v1_5 SHA-256; Ed25519 → pure Ed25519. Base64 either way. */
function sign64(key: KeyObject, payload: string): string {
  const algorithm = key.asymmetricKeyType === "ed25519" ? null : "sha256";
  return sign(algorithm, Buffer.from(payload), key).toString("base64");
}
const hmacHex = (secret: string, payload: string) =>
  createHmac("sha256", secret).update(payload).digest("hex");

interface BinanceOpts {
  key: string;
  privateKey: KeyObject;
  /** Signature value as sent; default URL-encoded base64. */
  encode?: (sig64: string) => string;
  /** Replaces the signature entirely (e.g. an HMAC hex). */
  signature?: (payload: string) => string;
  tamperQuery?: (q: string) => string;
  /** Keeps bumping the timestamp until the base64 signature satisfies this. */
  want?: (sig64: string) => boolean;
}

/** A signed Binance GET /eapi/v1/mmp (or POST mmpReset with a form body). */
function binance(method: "GET" | "POST", o: BinanceOpts) {
  let ts = Date.now();
  for (let i = 0; ; i++) {
    const params = `underlying=BTCUSDT&recvWindow=5000&timestamp=${ts}`;
    const sig64 = sign64(o.privateKey, params);
    if (o.want && !o.want(sig64) && i < 200) {
      ts -= 1;
      continue;
    }
    const sig = o.signature?.(params) ?? (o.encode ?? encodeURIComponent)(sig64);
    const signedParams = `${params}&signature=${sig}`;
    const headers = { "X-MBX-APIKEY": o.key };
    if (method === "GET") {
      const q = o.tamperQuery?.(signedParams) ?? signedParams;
      return fetch(`${sim.url}/eapi/v1/mmp?${q}`, { headers });
    }
    return fetch(`${sim.url}/eapi/v1/mmpReset`, {
      method,
      headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
      body: signedParams,
    });
  }
}

interface BybitOpts {
  privateKey?: KeyObject;
  /** Replaces the sign entirely. */
  sign?: (signedString: string) => string;
  tamperBody?: (b: string) => string;
  tamperSign?: (s: string) => string;
}

function bybitReset(o: BybitOpts = {}) {
  const ts = String(Date.now());
  const body = JSON.stringify({ baseCoin: "BTC" });
  const signedString = `${ts}${BY_RSA}5000${body}`;
  const s = o.sign?.(signedString) ?? sign64(o.privateKey ?? rsa.privateKey, signedString);
  return fetch(`${sim.url}/v5/account/mmp-reset`, {
    method: "POST",
    headers: {
      "X-BAPI-API-KEY": BY_RSA,
      "X-BAPI-TIMESTAMP": ts,
      "X-BAPI-RECV-WINDOW": "5000",
      "X-BAPI-SIGN": o.tamperSign?.(s) ?? s,
      "Content-Type": "application/json",
    },
    body: o.tamperBody?.(body) ?? body,
  });
}

const binanceCode = async (res: Response) => ((await res.json()) as { code?: number }).code;
const retCode = async (res: Response) => ((await res.json()) as { retCode: number }).retCode;

async function frozen(apiKey: string, scope: string): Promise<boolean> {
  const res = await fetch(`${sim.url}/__sim/state`);
  const { accounts: list } = (await res.json()) as {
    accounts: { apiKey: string; scopes: { scope: string; frozen: boolean }[] }[];
  };
  const s = list.find((a) => a.apiKey === apiKey)?.scopes.find((x) => x.scope === scope);
  if (!s) throw new Error(`no scope ${scope}`);
  return s.frozen;
}

/** Changes one base64 character of a signature to another valid one. */
const flipFirst = (s: string) => s.replace(/^./, (c) => (c === "A" ? "B" : "A"));

beforeAll(async () => {
  sim = await startSimulator(OPTIONS);
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await fetch(`${sim.url}/__sim/restore`, { method: "POST" });
});

describe("Binance RSA (PKCS#1 v1.5 SHA-256, base64, URL-encoded)", () => {
  it("accepts a signed GET whose signature needed percent-encoding", async () => {
    const res = await binance("GET", {
      key: BN_RSA,
      privateKey: rsa.privateKey,
      want: (s) => s.includes("+") || s.includes("/"),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ underlying: "BTCUSDT" });
  });

  it("accepts a signed POST body and performs the reset", async () => {
    const res = await binance("POST", { key: BN_RSA, privateKey: rsa.privateKey });
    expect(res.status).toBe(200);
    expect(await frozen(BN_RSA, "BTCUSDT")).toBe(false);
  });

  it("accepts a PKCS#1 PEM public key as well as SPKI", async () => {
    const res = await binance("GET", { key: BN_RSA_PKCS1, privateKey: rsa.privateKey });
    expect(res.status).toBe(200);
  });

  it.each([
    [
      "one query byte",
      { tamperQuery: (q: string) => q.replace("recvWindow=5000", "recvWindow=5001") },
    ],
    ["one signature char", { encode: (s: string) => encodeURIComponent(flipFirst(s)) }],
    ["another key pair", { privateKey: otherRsa.privateKey }],
    ["an HMAC hex signature", { signature: (p: string) => hmacHex(UNUSED_SECRET, p) }],
    // Form decoding turns a raw "+" into a space, as on the venue.
    ["an unencoded '+'", { encode: (s: string) => s, want: (s: string) => s.includes("+") }],
  ])("rejects %s with -1022", async (_name, o) => {
    const res = await binance("GET", { key: BN_RSA, privateKey: rsa.privateKey, ...o });
    expect(res.status).toBe(400);
    expect(await binanceCode(res)).toBe(-1022);
  });
});

describe("Binance Ed25519 (base64, URL-encoded)", () => {
  it("accepts a signed GET and a signed POST", async () => {
    const get = await binance("GET", {
      key: BN_ED,
      privateKey: ed.privateKey,
      want: (s) => s.includes("+") || s.includes("/"),
    });
    expect(get.status).toBe(200);
    expect((await binance("POST", { key: BN_ED, privateKey: ed.privateKey })).status).toBe(200);
    expect(await frozen(BN_ED, "BTCUSDT")).toBe(false);
  });

  it.each([
    ["one query byte", { tamperQuery: (q: string) => q.replace("BTCUSDT", "BTCUSDt") }],
    ["one signature char", { encode: (s: string) => encodeURIComponent(flipFirst(s)) }],
    ["an RSA signature", { privateKey: rsa.privateKey }],
    ["an HMAC hex signature", { signature: (p: string) => hmacHex(UNUSED_SECRET, p) }],
  ])("rejects %s with -1022", async (_name, o) => {
    const res = await binance("GET", { key: BN_ED, privateKey: ed.privateKey, ...o });
    expect(await binanceCode(res)).toBe(-1022);
  });
});

describe("Bybit RSA (X-BAPI-SIGN = base64 RSA-SHA256)", () => {
  it("accepts a signed POST and performs the reset", async () => {
    const res = await bybitReset();
    expect(await res.json()).toMatchObject({ retCode: 0, retMsg: "success" });
    expect(await frozen(BY_RSA, "BTC")).toBe(false);
  });

  it.each([
    ["one body byte", { tamperBody: (b: string) => b.replace("BTC", "BTc") }],
    ["one sign char", { tamperSign: flipFirst }],
    ["another key pair", { privateKey: otherRsa.privateKey }],
    ["an HMAC hex sign", { sign: (s: string) => hmacHex(UNUSED_SECRET, s) }],
  ])("rejects %s with 10004", async (_name, o) => {
    const res = await bybitReset(o);
    expect(res.status).toBe(200);
    expect(await retCode(res)).toBe(10004);
    expect(await frozen(BY_RSA, "BTC")).toBe(true);
  });

  it("reports the key type in /__sim/state, never the key", async () => {
    const text = await (await fetch(`${sim.url}/__sim/state`)).text();
    expect(text).not.toContain("PUBLIC KEY");
    const state = JSON.parse(text) as { accounts: { apiKey: string; keyType: string }[] };
    expect(state.accounts.find((a) => a.apiKey === BY_RSA)?.keyType).toBe("rsa");
  });
});

describe("key-pair configuration", () => {
  const base = accounts[0] as SimAccountSpec;
  it.each([
    ["a key pair without publicKeyPem", { ...base, publicKeyPem: undefined }],
    [
      "a PEM that is not a key",
      { ...base, publicKeyPem: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----" },
    ],
    ["an RSA PEM declared ed25519", { ...base, keyType: "ed25519" as const }],
    [
      "an Ed25519 key on Bybit",
      {
        ...base,
        venue: "bybit" as const,
        keyType: "ed25519" as const,
        publicKeyPem: spki(ed.publicKey),
      },
    ],
  ])("refuses to start with %s", async (_name, account) => {
    await expect(startSimulator({ accounts: [account] })).rejects.toThrow(/account bn-rsa/);
  });
});
