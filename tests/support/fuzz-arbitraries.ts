import fc from "fast-check";
import { AUDIT_OUTCOMES } from "@/lib/model/audit-outcomes";
import { FIXTURE_ACCOUNTS, FIXTURE_USERS } from "./fixtures";

// fast-check generators of hostile input for the API fuzz tests: strings with every kind of
// awkward unit, injection attempts, values of the wrong type, JSON that is huge, deep, truncated
// or has duplicate / prototype keys, query strings and cookies.

const ACCOUNT_IDS = FIXTURE_ACCOUNTS.map((a) => a.id);
const SCOPES = [...new Set(FIXTURE_ACCOUNTS.flatMap((a) => a.scopes.map((s) => s.scope)))];
export const VALID_PAIRS = new Set(
  FIXTURE_ACCOUNTS.flatMap((a) => a.scopes.map((s) => `${a.id}\u0000${s.scope}`)),
);
const ROW_IDS = FIXTURE_ACCOUNTS.flatMap((a) => a.scopes.map((s) => `${a.id}/${s.scope}`));
export const USERNAMES = FIXTURE_USERS.map((u) => u.username);

/** Rows frozen at start that stay frozen until reset (frozen period 0): what a leak would hit. */
export const FROZEN_TARGETS = [
  ["bn-main", "BTCUSDT"],
  ["bn-ed25519", "ETHUSDT"],
  ["bb-main", "BTC"],
  ["okx-main", "BTC-USD"],
  ["deribit-main", "btc_usd"],
  ["deribit-main", "btc_usd/mm1"],
] as const;

export const INJECTIONS = [
  "BTCUSDT&underlying=ETHUSDT",
  "BTCUSDT&recvWindow=60000",
  "BTC&baseCoin=ETH",
  "btc_usd&index_name=eth_usd",
  "BTCUSDT?x=1",
  "BTCUSDT#frag",
  "BTCUSDT;ETHUSDT",
  "BTCUSDT,ETHUSDT",
  "../",
  "../../../../etc/passwd",
  "..%2f..%2fetc%2fpasswd",
  "btc_usd/../eth_usd",
  "btc_usd/mm1/..",
  "bn-main/../bn-alt",
  "%00",
  "BTCUSDT%00",
  "BTCUSDT\u0000",
  "\u0000",
  "%",
  "%zz",
  "%25%32%65",
  "'; DROP TABLE audit_log; --",
  "' OR '1'='1",
  '" OR 1=1 --',
  "1; DELETE FROM trigger_event",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "BTCUSDT\r\nX-Injected: 1",
  "BTCUSDT\r\n\r\nHTTP/1.1 200 OK",
  "%0d%0aSet-Cookie:%20x=y",
  "\nSet-Cookie: x=y",
  "${7*7}",
  "{{7*7}}",
  "#{7*7}",
  "$(id)",
  "`id`",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "=cmd|'/C calc'!A0",
  "+SUM(1,1)",
  "@SUM(1,1)",
  "-1",
  "0",
  "1e309",
  "NaN",
  "Infinity",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "\\",
  "\\u0000",
  '"',
  "*",
  " ",
  "",
  " BTCUSDT",
  "BTCUSDT ",
  "btcusdt",
  "BTC USDT",
  "BTC_USDT",
  "ＢＴＣＵＳＤＴ",
  "BTCUSDT\u200b",
  "\u202eTDSUCTB",
  "BTC\u0301USDT",
  "BN-MAIN",
  "bn-main ",
  "bn_main",
  "bn-main\u0000",
  "A".repeat(21),
  "A".repeat(65),
  "a".repeat(64),
  "a".repeat(1000),
] as const;

/** Single units that break naive string handling (fc's 'binary' unit never makes lone surrogates). */
const awkwardUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "\u200b", // zero-width space
      "\u200c",
      "\u200d",
      "\u2060",
      "\ufeff", // BOM
      "\u202e", // right-to-left override
      "\u202d",
      "\u2067",
      "\u2069",
      "\u061c",
      "\u200f",
      "\u05d0", // Hebrew
      "\u0627", // Arabic
      "\u0301", // combining accent
      "\ufffd",
      "\uffff",
      "\u{10ffff}",
      "\u{1f600}",
      "\u0000",
      "\u007f",
      "\u0085",
      "\u2028",
      "\u2029",
      "\r",
      "\n",
      "\t",
      "%",
      "&",
      "=",
      "/",
      "\\",
      '"',
      "'",
      "<",
    ),
  },
);

export const nastyString = (maxLength = 40) => fc.string({ unit: awkwardUnit, maxLength });

/** A valid value, a slightly wrong one, an injection or noise. */
export function textAround(valid: readonly string[], maxLength = 40): fc.Arbitrary<string> {
  const base = fc.constantFrom(...valid);
  return fc.oneof(
    { weight: 3, arbitrary: base },
    { weight: 2, arbitrary: fc.mixedCase(base) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(base, fc.oneof(fc.constantFrom(...INJECTIONS), nastyString(8)), fc.boolean())
        .map(([v, extra, before]) => (before ? extra + v : v + extra)),
    },
    { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
    { weight: 3, arbitrary: nastyString(maxLength) },
  );
}

/** Values that are not strings (where a string belongs) or strings that are not text. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e308, -0, Number.MAX_SAFE_INTEGER + 2, true, false, null),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  fc.constantFrom(["bn-main"], { $gt: "" }, { __proto__: null }),
  // objects that throw when coerced to a primitive (no callable toString / valueOf)
  fc.constantFrom({ toString: "BTCUSDT" }, { valueOf: 1, toString: null }, { toString: {} }),
);

const idempotencyKey = fc.stringMatching(/^[A-Za-z0-9-]{8,64}$/);

const anyIdempotencyKey: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: idempotencyKey },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9-]{0,7}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9-]{65,80}$/) },
  { weight: 2, arbitrary: textAround(["key-0123456789"]) },
  { weight: 2, arbitrary: wrongType },
);

const EXTRA_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "recvWindow",
  "timestamp",
  "signature",
  "apiKey",
  "venue",
  "role",
  "user",
  "accountid",
  "Scope",
  "scope ",
  "",
] as const;

/** The fields of a reset request, each maybe missing, wrong or extra. */
const resetFields = fc
  .tuple(
    fc.record(
      {
        accountId: fc.oneof(
          { weight: 4, arbitrary: textAround(ACCOUNT_IDS) },
          { weight: 1, arbitrary: wrongType },
        ),
        scope: fc.oneof(
          { weight: 4, arbitrary: textAround(SCOPES) },
          { weight: 1, arbitrary: wrongType },
        ),
        idempotencyKey: anyIdempotencyKey,
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(
      fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 10 })),
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), wrongType),
      { maxKeys: 2, noNullPrototype: true },
    ),
    fc.boolean(),
  )
  .map(([fields, extra, extraFirst]): Record<string, unknown> => {
    // Own "__proto__" keys must survive as data, as JSON.parse would make them.
    const out: Record<string, unknown> = {};
    const put = (o: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(o))
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true });
    };
    if (extraFirst) put(extra);
    put(fields);
    if (!extraFirst) put(extra);
    return out;
  });

/** A JSON text for the body: an object of reset fields or any JSON value at all. */
export const resetJson = fc.oneof(
  { weight: 6, arbitrary: resetFields.map((o) => JSON.stringify(o)) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(resetFields, fc.constantFrom("[]", "null", "0", '"x"'))
      .map(([o, wrap]) => (wrap === "[]" ? JSON.stringify([o]) : JSON.stringify({ body: o }))),
  },
);

const jsonString = (v: unknown) => JSON.stringify(v);

/** Raw bodies that are not produced by JSON.stringify of a plain object. */
export const rawResetBody: fc.Arbitrary<string> = fc.oneof(
  // duplicate keys: JSON.parse keeps the last; a validator must judge what is used
  fc
    .tuple(
      fc.array(
        fc.tuple(
          fc.constantFrom("accountId", "scope", "idempotencyKey"),
          fc.oneof(textAround([...ACCOUNT_IDS, ...SCOPES]), wrongType),
        ),
        { minLength: 2, maxLength: 6 },
      ),
      idempotencyKey,
    )
    .map(
      ([pairs, key]) =>
        `{${[...pairs.map(([k, v]) => `${jsonString(k)}:${jsonString(v) ?? "null"}`), `"idempotencyKey":${jsonString(key)}`].join(",")}}`,
    ),
  // prototype pollution
  fc
    .tuple(
      fc.constantFrom("__proto__", "constructor", "prototype"),
      fc.constantFrom(...FROZEN_TARGETS),
      idempotencyKey,
    )
    .map(([proto, [accountId, scope], key]) =>
      proto === "constructor"
        ? `{"constructor":{"prototype":{"accountId":"${accountId}","isAdmin":true}},"scope":"${scope}","idempotencyKey":"${key}"}`
        : `{"${proto}":{"accountId":"${accountId}","scope":"${scope}","idempotencyKey":"${key}"}}`,
    ),
  fc
    .tuple(fc.constantFrom(...FROZEN_TARGETS), idempotencyKey)
    .map(
      ([[accountId, scope], key]) =>
        `{"accountId":"${accountId}","scope":"${scope}","idempotencyKey":"${key}","__proto__":{"role":"admin"}}`,
    ),
  // deep nesting, inside a field or as the whole body
  fc
    .tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom("[", "{"), fc.boolean())
    .map(([depth, open, inField]) => {
      const nested =
        open === "["
          ? "[".repeat(depth) + "]".repeat(depth)
          : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
      return inField
        ? `{"accountId":"bn-main","scope":${nested},"idempotencyKey":"deep-key-0001"}`
        : nested;
    }),
  // huge: beyond the 4 kB limit, up to a few hundred kB
  fc
    .tuple(
      fc.integer({ min: 4000, max: 300_000 }),
      fc.constantFrom("scope", "pad", "whitespace"),
      fc.constantFrom(...FROZEN_TARGETS),
    )
    .map(([size, how, [accountId, scope]]) => {
      const valid = { accountId, scope, idempotencyKey: "huge-key-000001" };
      if (how === "scope") return JSON.stringify({ ...valid, scope: "A".repeat(size) });
      if (how === "pad") return JSON.stringify({ ...valid, pad: "x".repeat(size) });
      return `${" ".repeat(size)}${JSON.stringify(valid)}`;
    }),
  // truncated, commented, single-quoted, trailing comma, non-JSON literals
  fc.tuple(resetFields, fc.nat()).map(([o, cut]) => {
    const text = JSON.stringify(o);
    return text.slice(0, text.length > 1 ? cut % (text.length - 1) : 0);
  }),
  fc
    .tuple(fc.constantFrom(...FROZEN_TARGETS), idempotencyKey)
    .chain(([[accountId, scope], key]) =>
      fc.constantFrom(
        `{accountId:'${accountId}',scope:'${scope}',idempotencyKey:'${key}'}`,
        `{"accountId":"${accountId}","scope":"${scope}","idempotencyKey":"${key}",}`,
        `{"accountId":"${accountId}",/*x*/"scope":"${scope}","idempotencyKey":"${key}"}`,
        `{"accountId":"${accountId}","scope":"${scope}","idempotencyKey":"${key}"}garbage`,
        `{"accountId":"${accountId}","scope":"${scope}","idempotencyKey":"${key}"}{}`,
        `{"accountId":"${accountId}","scope":NaN,"idempotencyKey":"${key}"}`,
        `{"accountId":"${accountId}","scope":1e400,"idempotencyKey":"${key}"}`,
        `{"accountId":"${accountId}","scope":"${scope}\\u0000","idempotencyKey":"${key}"}`,
        `{"accountId":"${accountId}","scope":"\\ud800${scope}","idempotencyKey":"${key}"}`,
        `{"accountId":"${accountId}","scope":"${scope}","idempotencyKey":"${key}`,
        `accountId=${accountId}&scope=${scope}&idempotencyKey=${key}`,
      ),
    ),
  // numbers where strings belong
  fc
    .tuple(fc.double(), fc.integer(), idempotencyKey)
    .map(
      ([a, b, key]) =>
        `{"accountId":${Number.isFinite(a) ? a : 1},"scope":${b},"idempotencyKey":"${key}"}`,
    ),
  // unicode and control characters anywhere
  nastyString(200),
  fc
    .tuple(nastyString(20), nastyString(20), idempotencyKey)
    .map(([a, s, key]) => `{"accountId":"${a}","scope":"${s}","idempotencyKey":"${key}"}`),
);

/** Content types: right, almost right and wrong. `null` sends none at all. */
export const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "application/json; charset=utf-7",
      "application/json;charset=utf-16",
      "APPLICATION/JSON",
      "application/json ; x=y",
      "application/jsonx",
      "application/json-patch+json",
      "application/vnd.api+json",
      "application/x-json",
      "text/json",
      "text/plain",
      "text/plain; charset=utf-8",
      "text/html",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=fuzzboundary",
      "application/octet-stream",
      "application/xml",
      "*/*",
      "",
      " application/json",
      "json",
      "application/json, text/plain",
    ),
  },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: "binary-ascii", maxLength: 40 }).map(headerSafe),
  },
);

/** A string fetch will put in a header: Latin-1 without control characters other than tab (the
 * raw-socket test sends the rest). */
export function headerSafe(s: string): string {
  return [...s].map((c) => (/[^\t\x20-\x7e\x80-\xff]/.test(c) ? "?" : c)).join("");
}

export const latin1HeaderValue = (maxLength = 60) =>
  fc.string({ unit: "binary-ascii", maxLength }).map(headerSafe);

export type Who =
  | { kind: "anonymous" }
  | { kind: "user"; username: string }
  | { kind: "withJunk"; username: string; junk: string }
  | { kind: "tampered"; username: string; how: "truncate" | "flip" }
  | { kind: "garbage"; cookie: string };

export const SIGNED_IN = ["viewer1", "screen1", "trader1", "admin1"] as const;

const garbageCookie = fc.oneof(
  latin1HeaderValue(200),
  fc
    .tuple(
      fc.constantFrom(
        "next-auth.session-token",
        "__Secure-next-auth.session-token",
        "next-auth.session-token.0",
        "next-auth.csrf-token",
        "next-auth.callback-url",
        "session",
        "__proto__",
        "",
      ),
      fc.oneof(
        fc.base64String({ maxLength: 200 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{0,40}(\.[A-Za-z0-9_-]{0,60}){4}$/),
        latin1HeaderValue(80).map((s) => s.replace(/;/g, "")),
        fc.integer({ min: 4000, max: 40_000 }).map((n) => "A".repeat(n)),
        fc.constantFrom("%", "%zz", "%00", "%E0%A4%A", '"', "null", "undefined"),
      ),
    )
    .map(([name, value]) => `${name}=${value}`),
);

export const who: fc.Arbitrary<Who> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: "anonymous" as const }) },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...SIGNED_IN)
      .map((username) => ({ kind: "user" as const, username })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...SIGNED_IN), garbageCookie)
      .map(([username, junk]) => ({ kind: "withJunk" as const, username, junk })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...SIGNED_IN), fc.constantFrom("truncate" as const, "flip" as const))
      .map(([username, how]) => ({ kind: "tampered" as const, username, how })),
  },
  { weight: 1, arbitrary: garbageCookie.map((cookie) => ({ kind: "garbage" as const, cookie })) },
);

/** The role a request acts as, when it certainly has a valid session. */
export function sessionUser(w: Who): string | null {
  return w.kind === "user" || w.kind === "withJunk" ? w.username : null;
}

/** Percent-encodes the UTF-8 bytes of `s` (a lone surrogate becomes U+FFFD, as in a browser). */
export function pct(s: string): string {
  return [...Buffer.from(s, "utf8")]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");
}

const isoish = fc.oneof(
  fc
    .date({
      min: new Date(-62_000_000_000_000),
      max: new Date(253_402_300_799_000),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 16)),
  fc.constantFrom(
    "2026-02-29T10:00",
    "2024-02-29T10:00",
    "2026-13-01T00:00",
    "2026-01-01T24:00",
    "2026-01-01T23:59:60",
    "2026-01-01T00:00+01",
    "2026-01-01T00:00:00+0100",
    "2026-01-01T00:00:00.123456789",
    "2026-01-01T00:00:00.123456789Z",
    "9999-12-31T23:59:59-23:59",
    "0000-01-01T00:00Z",
    "+275760-09-13T00:00:00.000Z",
    "-271821-04-20T00:00:00.000Z",
    "2026-01-01",
    "2026-01-01T00:00Z",
    "2026-01-01T00:00:00z",
    "2026-01-01 00:00",
    "yesterday",
    "1767225600000",
    "",
  ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
      fc.constantFrom("", "Z", "+00:00", "-23:59", "+24:00", "+99:99", "+0530", "+05"),
    )
    .map(
      ([y, mo, d, h, mi, off]) =>
        `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:${String(mi).padStart(2, "0")}${off}`,
    ),
);

const numberish = fc.oneof(
  fc.integer({ min: -5, max: 10_005 }).map(String),
  fc.double().map(String),
  fc.constantFrom(
    "1",
    "200",
    "201",
    "10000",
    "10001",
    "0",
    "-1",
    "1.5",
    "1e3",
    "1e400",
    "0x10",
    "0b11",
    "Infinity",
    "NaN",
    " 5 ",
    "",
    "5abc",
    "9".repeat(400),
    "1,2",
  ),
);

const QUERY_KEYS = {
  audit: ["actor", "account", "scope", "outcome", "from", "to", "limit", "format"],
  history: ["row", "limit"],
} as const;

function valueFor(key: string): fc.Arbitrary<string> {
  switch (key) {
    case "actor":
      return textAround(USERNAMES, 80);
    case "account":
      return textAround(ACCOUNT_IDS, 80);
    case "scope":
      return textAround(SCOPES, 80);
    case "outcome":
      return textAround(AUDIT_OUTCOMES);
    case "from":
    case "to":
      return fc.oneof(isoish, nastyString(30));
    case "limit":
      return fc.oneof({ weight: 3, arbitrary: numberish }, nastyString(10));
    case "format":
      return textAround(["csv", "json"]);
    case "row":
      return textAround(ROW_IDS, 140);
    default:
      return nastyString(30);
  }
}

/** A query string for a GET route: known keys with good and bad values, odd keys, odd encoding. */
export function queryString(route: keyof typeof QUERY_KEYS): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...QUERY_KEYS[route]) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "__proto__",
        "constructor",
        "prototype",
        "toString",
        "hasOwnProperty",
        "valueOf",
        "limit[]",
        "row[0]",
        "LIMIT",
        "",
      ),
    },
    { weight: 1, arbitrary: nastyString(10) },
  );
  const pair = key.chain((k) =>
    fc.tuple(
      fc.constant(k),
      valueFor(k),
      fc.constantFrom("encoded" as const, "encoded" as const, "raw" as const, "bare" as const),
    ),
  );
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .array(pair, { maxLength: 8 })
        .map((pairs) =>
          pairs
            .map(([k, v, how]) =>
              how === "encoded" ? `${pct(k)}=${pct(v)}` : how === "bare" ? pct(k) : `${k}=${v}`,
            )
            .join("&"),
        ),
    },
    // raw bytes, percent-encoded, including invalid UTF-8
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...QUERY_KEYS[route]), fc.uint8Array({ maxLength: 30 }))
        .map(
          ([k, bytes]) =>
            `${k}=${[...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("")}`,
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "limit=1&limit=2&limit=x",
        "&&&=&=",
        "%",
        "%zz=%zz",
        "limit=%00",
        "row=%E0%A4%A",
        "row=bn-main%2FBTCUSDT%0d%0aX-Injected:%201",
        "a=" + "b".repeat(6000),
        Array.from({ length: 500 }, (_, i) => `k${i}=${i}`).join("&"),
      ),
    },
  );
}
