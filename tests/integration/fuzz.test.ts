import fc from "fast-check";
import { decode, encode, type JWT } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetRequestSchema } from "@/lib/model/reset-request";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { FIXTURE_SECRETS } from "../support/fixtures";
import {
  FROZEN_TARGETS,
  INJECTIONS,
  SIGNED_IN,
  USERNAMES,
  VALID_PAIRS,
  contentType,
  headerSafe,
  latin1HeaderValue,
  nastyString,
  pct,
  queryString,
  rawResetBody,
  resetJson,
  sessionUser,
  textAround,
  who,
  wrongType,
  type Who,
} from "../support/fuzz-arbitraries";
import {
  describeAnswer,
  resetWatch,
  send,
  sendRaw,
  violations,
  type Answer,
  type Expectation,
} from "../support/fuzz-http";
import { signIn } from "../support/session";
import { waitFor } from "../support/wait";

// Property-based input fuzzing of every API route of the production build (issue "Faults, load
// and bad input", item 3). Whatever the input — wrong types, huge or deep or broken JSON, unicode,
// control characters, injection attempts, wrong methods and content types, garbage cookies and
// forged sessions, malformed HTTP — every answer:
//   - is 2xx or 4xx, never 5xx (redirects only where named: next-auth, path normalisation);
//   - if an error of ours, has the one JSON shape { error: { code, message } };
//   - carries no configured secret;
// and no invalid reset request reaches a venue: the simulator's log of reset calls (its read
// calls are the app's own background polls) does not grow. Fully valid resets are filtered out
// of the generators, so the frozen target rows stay frozen and a leak would really be sent.
//
// FUZZ_SCALE=4 runs four times as many cases; FUZZ_SEED=n replays a run (fast-check prints it).

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = (n: number) => ({ numRuns: runs(n), ...(SEED === undefined ? {} : { seed: SEED }) });

/** Most chunks one streamed request body is cut into. */
const MAX_CHUNKS = 1024;

// The session secret tests/support/app-server.ts gives the app (test-only), to forge sessions.
const NEXTAUTH_SECRET = "test-only-nextauth-secret-0123456789abcdef";
// The bearer token of /api/health and /api/metrics for this run.
const OPS_TOKEN = "fuzz-ops-token-5f0c2a9e7b1d4c3a";

let app: AppUnderTest;
let watch: ReturnType<typeof resetWatch>;
const cookies: Record<string, string> = {};
const cases = new Map<string, number>();
const counted = (label: string) => cases.set(label, (cases.get(label) ?? 0) + 1);

const OUR_ROUTES = [
  "/api/mmp",
  "/api/mmp/reset",
  "/api/mmp/history",
  "/api/audit",
  "/api/stream",
  "/api/health",
  "/api/metrics",
];
const SUPPORTED: Record<string, string[]> = {
  "/api/health": ["GET", "HEAD"],
  "/api/metrics": ["GET", "HEAD"],
  "/api/mmp": ["GET", "HEAD"],
  "/api/mmp/reset": ["POST"],
  "/api/mmp/history": ["GET", "HEAD"],
  "/api/audit": ["GET", "HEAD"],
  "/api/stream": ["GET", "HEAD"],
};

const SESSION_COOKIE = "next-auth.session-token";

function cookieFor(w: Who): string | undefined {
  switch (w.kind) {
    case "anonymous":
      return undefined;
    case "user":
      return cookies[w.username];
    case "withJunk":
      return `${w.junk}; ${cookies[w.username]}`;
    case "garbage":
      return w.cookie;
    case "tampered": {
      // A JWE whose ciphertext is cut short or has one character changed can never decrypt.
      const jar = cookies[w.username]!;
      return jar.replace(
        new RegExp(`(${SESSION_COOKIE}=)([^;]+)`),
        (_m, name: string, v: string) => {
          if (w.how === "truncate") return name + v.slice(0, Math.floor(v.length / 2));
          const parts = v.split(".");
          const ct = parts[3] ?? "";
          const i = Math.floor(ct.length / 2);
          parts[3] = ct.slice(0, i) + (ct[i] === "A" ? "B" : "A") + ct.slice(i + 1);
          return name + parts.join(".");
        },
      );
    }
  }
}

/** For a 5xx: the server's log lines about it (by correlation id, else the latest errors). */
function serverSide(answer: Answer): string {
  if (answer.status < 500) return "";
  const lines = app.logs().split("\n");
  const id = /"correlationId":"([^"]+)"/.exec(answer.text)?.[1];
  const related = id
    ? lines.filter((l) => l.includes(id))
    : lines.filter((l) => l.includes("⨯") || l.includes('"level":50')).slice(-3);
  return `\nserver log: ${related.map((l) => l.slice(0, 700)).join("\n")}`;
}

/** Only the session cookie of a signed-in jar (without next-auth's own callback-url cookie). */
const sessionOnly = (jar: string) =>
  jar.split("; ").find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? "";

function check(label: string, request: string, answer: Answer, expect: Expectation): void {
  counted(label);
  const found = violations(answer, expect);
  const everything = [answer.text, ...answer.headers.map(([k, v]) => `${k}: ${v}`)].join("\n");
  for (const secret of [NEXTAUTH_SECRET, OPS_TOKEN])
    if (everything.includes(secret)) found.push(`a configured secret (${secret.slice(0, 12)}…)`);
  if (found.length > 0)
    throw new Error(
      `${request}\n→ ${describeAnswer(answer)}\nviolates: ${found.join("; ")}${serverSide(answer)}`,
    );
}

async function noVenueReset(request: string): Promise<void> {
  const sent = await watch.newSinceMark();
  if (sent.length > 0)
    throw new Error(
      `${request}\nreached the venue: ${sent.map((s) => s.slice(0, 300)).join(" | ")}`,
    );
}

const summary = (s: string, max = 200) =>
  s.length > max ? `${JSON.stringify(s.slice(0, max))}… (${s.length} chars)` : JSON.stringify(s);

// ---------------------------------------------------------------------------------------------
// Reset requests: one description of everything that makes a request, and the exact rule for
// when it is valid (then it is filtered out, see above).

type Body =
  | { kind: "text"; text: string }
  | { kind: "bytes"; bytes: Uint8Array<ArrayBuffer> }
  | { kind: "stream"; text: string; chunk: number }
  | { kind: "form"; fields: [string, string][] }
  | { kind: "multipart"; fields: [string, string][] }
  | { kind: "none" };

interface ResetCase {
  who: Who;
  origin: string | null;
  secFetchSite: string | null;
  contentType: string | null;
  userAgent: string | null;
  forwardedFor: string | null;
  body: Body;
}

const utf8 = new TextEncoder();

/** What the server's `req.text()` makes of the body (UTF-8, BOM dropped); null when not text. */
function serverText(body: Body): { text: string; declared: number } | null {
  switch (body.kind) {
    case "text":
    case "stream": {
      const bytes = utf8.encode(body.text);
      return { text: new TextDecoder().decode(bytes), declared: bytes.length };
    }
    case "bytes":
      return { text: new TextDecoder().decode(body.bytes), declared: body.bytes.length };
    case "form": {
      const text = new URLSearchParams(body.fields).toString();
      return { text, declared: utf8.encode(text).length };
    }
    case "none":
      return { text: "", declared: 0 };
    case "multipart":
      return null;
  }
}

const httpTrim = (s: string) => s.replace(/^[\t ]+|[\t ]+$/g, "");

/** True when the app should accept this reset (README "How a reset works", step 1). */
function isValidReset(c: ResetCase, appUrl: string): boolean {
  const user = sessionUser(c.who);
  if (user !== "trader1" && user !== "admin1") return false;
  if (c.secFetchSite !== null && httpTrim(c.secFetchSite) === "cross-site") return false;
  if (c.origin === null || httpTrim(c.origin) !== appUrl) return false;
  // form and multipart bodies get fetch's own content type unless one is given
  if (c.contentType === null) return false;
  if (!/^application\/json\s*(;|$)/i.test(httpTrim(c.contentType))) return false;
  const sent = serverText(c.body);
  if (!sent || sent.declared > 4096 || utf8.encode(sent.text).length > 4096) return false;
  let json: unknown;
  try {
    json = JSON.parse(sent.text);
  } catch {
    return false;
  }
  const parsed = resetRequestSchema.safeParse(json);
  return parsed.success && VALID_PAIRS.has(`${parsed.data.accountId}\u0000${parsed.data.scope}`);
}

function resetInit(c: ResetCase): RequestInit & { duplex?: "half" } {
  const headers: Record<string, string> = {};
  const cookie = cookieFor(c.who);
  if (cookie !== undefined) headers.cookie = cookie;
  if (c.origin !== null) headers.origin = c.origin;
  if (c.secFetchSite !== null) headers["sec-fetch-site"] = c.secFetchSite;
  if (c.userAgent !== null) headers["user-agent"] = c.userAgent;
  if (c.forwardedFor !== null) headers["x-forwarded-for"] = c.forwardedFor;
  if (c.contentType !== null) headers["content-type"] = c.contentType;
  const init = { method: "POST", headers };
  switch (c.body.kind) {
    case "text":
      // without a content type, send bytes: fetch would label a string text/plain
      return { ...init, body: c.contentType === null ? utf8.encode(c.body.text) : c.body.text };
    case "bytes":
      return { ...init, body: c.body.bytes };
    case "stream": {
      const bytes = utf8.encode(c.body.text);
      // At most MAX_CHUNKS chunks: a 300 kB body in 1-byte chunks is 300,000 writes from this
      // process, and shrinking a failure drives the chunk size to 1 (one such run shrank for over
      // 15 minutes on a loaded machine). Small bodies still come in chunks of any size.
      const size = Math.max(1, c.body.chunk, Math.ceil(bytes.length / MAX_CHUNKS));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
          controller.close();
        },
      });
      return { ...init, body, duplex: "half" };
    }
    case "form":
      return { ...init, body: new URLSearchParams(c.body.fields) };
    case "multipart": {
      const form = new FormData();
      for (const [k, v] of c.body.fields) form.append(k, v);
      return { ...init, body: form };
    }
    case "none":
      return init;
  }
}

function describeReset(c: ResetCase): string {
  const body =
    c.body.kind === "bytes"
      ? `bytes ${Buffer.from(c.body.bytes).toString("hex").slice(0, 200)}`
      : c.body.kind === "text" || c.body.kind === "stream"
        ? `${c.body.kind} ${summary(c.body.text)}`
        : c.body.kind === "none"
          ? "no body"
          : `${c.body.kind} ${JSON.stringify(c.body.fields).slice(0, 200)}`;
  return (
    `POST /api/mmp/reset as ${JSON.stringify(c.who).slice(0, 120)} origin=${JSON.stringify(c.origin)} ` +
    `sec-fetch-site=${JSON.stringify(c.secFetchSite)} content-type=${JSON.stringify(c.contentType)} ` +
    `ua=${summary(c.userAgent ?? "", 60)} xff=${summary(c.forwardedFor ?? "", 60)} ${body}`
  );
}

/** Makes fast-check print a counterexample as the request it stands for (bodies abbreviated). */
function printable(c: ResetCase): ResetCase {
  return Object.defineProperty(c, fc.toStringMethod, { value: () => describeReset(c) });
}

/** Sends one reset case and checks every property, including what the role must get. */
async function runReset(label: string, c: ResetCase): Promise<void> {
  const request = describeReset(c);
  const answer = await send(`${app.url}/api/mmp/reset`, resetInit(c));
  check(label, request, answer, { ours: true, method: "POST" });
  const user = sessionUser(c.who);
  const problem =
    answer.status < 400
      ? "an invalid reset was accepted"
      : user === null && c.who.kind !== "garbage" && answer.status !== 401
        ? "no session must be 401"
        : (user === "viewer1" || user === "screen1") &&
            c.who.kind === "user" &&
            answer.status !== 403
          ? "a role without mmp.reset must be 403"
          : null;
  if (problem) throw new Error(`${request}\n→ ${describeAnswer(answer)}\n${problem}`);
  await noVenueReset(request);
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  // The fuzzer is a few users refused thousands of times a minute by design: the refusal tarpit
  // (lib/http/denied.ts, its own tests in tests/middle/denied-flood.test.ts) would hold it for
  // hours, so this app answers every refusal at once.
  app = await startAppUnderTest({
    env: { MMP_OPS_TOKEN: OPS_TOKEN, MMP_REFUSAL_DELAY_MAX_MS: "0" },
  });
  watch = resetWatch(app.sim.url);
  for (const u of SIGNED_IN) cookies[u] = await signIn(app.url, u);
  // The rows a leaked reset would hit are FROZEN in the app's view before fuzzing starts.
  await waitFor(async () => {
    const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie: cookies.admin1! } });
    const body = (await res.json()) as { rows: { id: string; status: string }[] };
    return FROZEN_TARGETS.every(
      ([a, s]) => body.rows.find((r) => r.id === `${a}/${s}`)?.status === "frozen",
    );
  }, 20_000);
  await watch.mark();
});

afterAll(async () => {
  const total = [...cases.values()].reduce((a, b) => a + b, 0);
  console.log(`fuzz cases: ${total}\n${[...cases].map(([k, v]) => `  ${k}: ${v}`).join("\n")}`);
  await app?.stop();
});

describe("POST /api/mmp/reset", () => {
  const sessionForValidation = fc.constantFrom<Who>(
    { kind: "user", username: "trader1" },
    { kind: "user", username: "admin1" },
  );
  const originMostly = () =>
    fc.oneof(
      { weight: 9, arbitrary: fc.constant(app.url) },
      { weight: 1, arbitrary: fc.constant(null) },
    );

  it("JSON bodies: wrong types, missing and extra fields, injection, unicode", async () => {
    const arb = fc
      .record({
        who: sessionForValidation,
        origin: originMostly(),
        text: resetJson,
      })
      .map(({ who: w, origin, text }): ResetCase => ({
        who: w,
        origin,
        secFetchSite: null,
        contentType: "application/json",
        userAgent: null,
        forwardedFor: null,
        body: { kind: "text", text },
      }))
      .filter((c) => !isValidReset(c, app.url))
      .map(printable);
    await fc.assert(
      fc.asyncProperty(arb, (c) => runReset("POST /api/mmp/reset (JSON fields)", c)),
      params(900),
    );
  }, 120_000);

  it("raw bodies: duplicate and prototype keys, deep, huge, truncated, invalid UTF-8, chunked, forms", async () => {
    const body: fc.Arbitrary<Body> = fc.oneof(
      { weight: 6, arbitrary: rawResetBody.map((text): Body => ({ kind: "text", text })) },
      {
        weight: 1,
        arbitrary: fc
          .uint8Array({ maxLength: 300 })
          .map((bytes): Body => ({ kind: "bytes", bytes })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.oneof(rawResetBody, resetJson), fc.integer({ min: 1, max: 70_000 }))
          .map(([text, chunk]): Body => ({ kind: "stream", text, chunk })),
      },
      {
        weight: 1,
        arbitrary: fc.integer({ min: 4097, max: 400_000 }).map((n): Body => ({
          kind: "stream",
          text: `{"pad":"${"x".repeat(n)}"}`,
          chunk: 16_384,
        })),
      },
      {
        weight: 1,
        arbitrary: fc
          .array(
            fc.tuple(
              textAround(["accountId", "scope", "idempotencyKey"]),
              textAround(["bn-main", "BTCUSDT"]),
            ),
            {
              maxLength: 4,
            },
          )
          .map((fields): Body => ({ kind: "form", fields })),
      },
      {
        weight: 1,
        arbitrary: fc
          .array(
            fc.tuple(fc.constantFrom("accountId", "scope", "idempotencyKey"), nastyString(20)),
            {
              maxLength: 3,
            },
          )
          .map((fields): Body => ({ kind: "multipart", fields })),
      },
      { weight: 1, arbitrary: fc.constant<Body>({ kind: "none" }) },
    );
    const arb = fc
      .record({
        who: sessionForValidation,
        origin: originMostly(),
        contentType: fc.oneof(
          { weight: 4, arbitrary: fc.constant<string | null>("application/json") },
          { weight: 1, arbitrary: contentType },
        ),
        body,
      })
      .map((r): ResetCase => ({
        ...r,
        secFetchSite: null,
        userAgent: null,
        forwardedFor: null,
      }))
      .filter((c) => !isValidReset(c, app.url))
      .map(printable);
    await fc.assert(
      fc.asyncProperty(arb, (c) => runReset("POST /api/mmp/reset (raw bodies)", c)),
      params(500),
    );
  }, 120_000);

  it("a frozen target with bad headers: roles, cookies, origin, content type, fetch metadata", async () => {
    const arb = fc
      .record({
        who,
        origin: fc.oneof(
          { weight: 6, arbitrary: fc.constant<string | null>(app.url) },
          {
            weight: 4,
            arbitrary: fc.constantFrom<string | null>(
              null,
              "null",
              "https://evil.example",
              `${app.url}/`,
              `${app.url}.evil.example`,
              app.url.toUpperCase(),
              app.url.replace("127.0.0.1", "localhost"),
              app.url.replace("http:", "https:"),
              `${app.url} `,
              "",
              "*",
              `${app.url}, https://evil.example`,
            ),
          },
          { weight: 1, arbitrary: latin1HeaderValue(40) },
        ),
        secFetchSite: fc.constantFrom(
          null,
          null,
          null,
          "same-origin",
          "cross-site",
          "same-site",
          "none",
          "CROSS-SITE",
        ),
        contentType,
        userAgent: fc.oneof(
          fc.constant(null),
          latin1HeaderValue(200),
          fc.constantFrom(...INJECTIONS).map(headerSafe),
        ),
        forwardedFor: fc.oneof(
          fc.constant(null),
          fc.constantFrom(
            "1.2.3.4",
            "::1",
            "'; DROP TABLE audit_log; --",
            "1.2.3.4, 5.6.7.8",
            ", ,",
            "<script>",
          ),
          latin1HeaderValue(60),
        ),
        target: fc.constantFrom(...FROZEN_TARGETS),
        key: fc.stringMatching(/^[A-Za-z0-9-]{8,64}$/),
        asForm: fc.boolean(),
      })
      .map(({ target, key, asForm, ...r }): ResetCase => {
        const accountId: string = target[0];
        const scope: string = target[1];
        return {
          ...r,
          body:
            asForm && r.contentType !== null && !/json/i.test(r.contentType)
              ? {
                  kind: "form",
                  fields: [
                    ["accountId", accountId],
                    ["scope", scope],
                    ["idempotencyKey", key],
                  ],
                }
              : { kind: "text", text: JSON.stringify({ accountId, scope, idempotencyKey: key }) },
        };
      })
      .filter((c) => !isValidReset(c, app.url))
      .map(printable);
    await fc.assert(
      fc.asyncProperty(arb, (c) => runReset("POST /api/mmp/reset (headers, roles)", c)),
      params(600),
    );
  }, 120_000);

  it("an endless chunked body is refused once past 4 kB, not read to its end", async () => {
    // Without Content-Length the size is only known by reading; a reader that waits for the end
    // would buffer whatever a client sends, for as long as it sends. Capped at 64 MB here.
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024 * 1024) return controller.close();
        sent += 16_384;
        controller.enqueue(utf8.encode(" ".repeat(16_384)));
      },
    });
    const request = "POST /api/mmp/reset with an endless chunked body";
    const init: RequestInit & { duplex: "half" } = {
      method: "POST",
      headers: { cookie: cookies.trader1!, origin: app.url, "content-type": "application/json" },
      body,
      duplex: "half",
    };
    const answer = await send(`${app.url}/api/mmp/reset`, init);
    check("POST /api/mmp/reset (endless body)", request, answer, { ours: true, method: "POST" });
    expect(answer.status).toBe(413);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    await noVenueReset(request);
  });

  it("the target rows are still FROZEN: every case above could have been a real reset", async () => {
    // Read until each target shows FROZEN from a fresh read: right after the flood a row may be
    // UNKNOWN for a moment (its last read past the stale limit on a busy machine), which says
    // nothing either way; a leaked reset would leave it ACTIVE, and this would time out.
    let statuses: Record<string, string | undefined> = {};
    await waitFor(async () => {
      const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie: cookies.admin1! } });
      const body = (await res.json()) as { rows: { id: string; status: string }[] };
      statuses = Object.fromEntries(
        FROZEN_TARGETS.map(([a, s]) => [
          `${a}/${s}`,
          body.rows.find((r) => r.id === `${a}/${s}`)?.status,
        ]),
      );
      return Object.values(statuses).every((status) => status === "frozen");
    }, 20_000).catch(() => undefined);
    for (const [id, status] of Object.entries(statuses)) expect(status, id).toBe("frozen");
  });
});

describe("wrong methods and content on every route", () => {
  it("an unsupported method is 405 (OPTIONS 2xx), whatever the body and session", async () => {
    const arb = fc
      .record({
        route: fc.constantFrom(...OUR_ROUTES),
        method: fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
        who,
        contentType,
        body: fc.oneof(fc.constant(null), resetJson, fc.constantFrom(...INJECTIONS)),
      })
      .filter(({ route, method }) => !SUPPORTED[route]!.includes(method));
    await fc.assert(
      fc.asyncProperty(arb, async ({ route, method, who: w, contentType: type, body }) => {
        const headers: Record<string, string> = { origin: app.url };
        const cookie = cookieFor(w);
        if (cookie !== undefined) headers.cookie = cookie;
        if (type !== null) headers["content-type"] = type;
        const withBody = body !== null && method !== "GET" && method !== "HEAD";
        const request = `${method} ${route} as ${JSON.stringify(w).slice(0, 80)} ${withBody ? summary(body) : ""}`;
        const answer = await send(`${app.url}${route}`, {
          method,
          headers,
          body: withBody ? body : undefined,
        });
        check(`${route} (wrong methods)`, request, answer, { ours: true, method });
        const expected =
          method === "OPTIONS"
            ? answer.status >= 200 && answer.status < 300
            : answer.status === 405;
        if (!expected && answer.status !== 431)
          throw new Error(`${request}\n→ ${describeAnswer(answer)}\nexpected 405 (OPTIONS: 2xx)`);
        await noVenueReset(request);
      }),
      params(300),
    );
  }, 120_000);
});

interface GetCase {
  route: string;
  method: "GET" | "HEAD";
  who: Who;
  query: string;
}

/** GET a route with a fuzzed query and session; `allowed` are the statuses each role may get. */
async function runGet(label: string, c: GetCase, permitted: readonly string[]): Promise<Answer> {
  const headers: Record<string, string> = {};
  const cookie = cookieFor(c.who);
  if (cookie !== undefined) headers.cookie = cookie;
  const url = `${app.url}${c.route}${c.query ? `?${c.query}` : ""}`;
  const request = `${c.method} ${c.route}?${summary(c.query, 300)} as ${JSON.stringify(c.who).slice(0, 120)}`;
  const answer = await send(url, { method: c.method, headers });
  check(label, request, answer, { ours: true, method: c.method });
  const user = sessionUser(c.who);
  const problem =
    user === null && answer.status < 400
      ? "answered without a session"
      : c.who.kind === "user" && !permitted.includes(c.who.username) && answer.status !== 403
        ? "a role without the permission must be 403"
        : c.who.kind === "user" &&
            permitted.includes(c.who.username) &&
            ![200, 400].includes(answer.status)
          ? "a permitted role must get 200 or 400"
          : null;
  if (problem) throw new Error(`${request}\n→ ${describeAnswer(answer)}\n${problem}`);
  return answer;
}

const getCase = (route: string, query: fc.Arbitrary<string>) =>
  fc.record({
    route: fc.constant(route),
    method: fc.constantFrom<"GET" | "HEAD">("GET", "GET", "GET", "GET", "HEAD"),
    who,
    query,
  });

describe("GET routes: query strings and sessions", () => {
  it("GET /api/audit: filters, limits, dates, format", async () => {
    await fc.assert(
      fc.asyncProperty(getCase("/api/audit", queryString("audit")), async (c) => {
        const answer = await runGet("GET /api/audit", c, ["viewer1", "trader1", "admin1"]);
        if (answer.status === 400 && c.method === "GET") {
          const { error } = JSON.parse(answer.text) as { error: { code: string } };
          if (error.code !== "invalid_filter") throw new Error(`unexpected 400 ${answer.text}`);
        }
      }),
      params(450),
    );
  }, 120_000);

  it("GET /api/mmp/history: row and limit", async () => {
    await fc.assert(
      fc.asyncProperty(getCase("/api/mmp/history", queryString("history")), (c) =>
        runGet("GET /api/mmp/history", c, [...SIGNED_IN]).then(() => undefined),
      ),
      params(450),
    );
  }, 120_000);

  it("GET /api/mmp and /api/stream: any query, any cookie", async () => {
    const query = fc.oneof(queryString("audit"), queryString("history"), nastyString(40).map(pct));
    const arb = fc.oneof(
      { weight: 3, arbitrary: getCase("/api/mmp", query) },
      { weight: 1, arbitrary: getCase("/api/stream", query) },
    );
    await fc.assert(
      fc.asyncProperty(arb, (c) =>
        runGet(`GET ${c.route}`, c, [...SIGNED_IN]).then(() => undefined),
      ),
      params(350),
    );
  }, 120_000);
});

describe("GET /api/health and /api/metrics: sessions and ops tokens", () => {
  it("a signed-in user or the ops token gets 200, anything else 401", async () => {
    const authorization = fc.oneof(
      { weight: 3, arbitrary: fc.constant<string | null>(null) },
      { weight: 2, arbitrary: fc.constant<string | null>(`Bearer ${OPS_TOKEN}`) },
      {
        weight: 3,
        arbitrary: fc.constantFrom<string | null>(
          `bearer ${OPS_TOKEN}`,
          `Bearer ${OPS_TOKEN}x`,
          `Bearer ${OPS_TOKEN.slice(0, -1)}`,
          `Bearer  ${OPS_TOKEN}`,
          `Basic ${Buffer.from(`ops:${OPS_TOKEN}`).toString("base64")}`,
          `Bearer ${OPS_TOKEN.toUpperCase()}`,
          "Bearer ",
          "Bearer",
          "",
          `Bearer ${"A".repeat(OPS_TOKEN.length)}`,
          `Bearer ${"é".repeat(OPS_TOKEN.length)}`,
          `Bearer ${OPS_TOKEN}, Bearer x`,
        ),
      },
      { weight: 2, arbitrary: latin1HeaderValue(60).map((v) => `Bearer ${v}`) },
    );
    const arb = fc.record({
      route: fc.constantFrom("/api/health", "/api/metrics"),
      method: fc.constantFrom("GET", "GET", "HEAD"),
      who,
      authorization,
      query: fc.oneof(fc.constant(""), queryString("audit")),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const headers: Record<string, string> = {};
        const cookie = cookieFor(c.who);
        if (cookie !== undefined) headers.cookie = cookie;
        if (c.authorization !== null) headers.authorization = c.authorization;
        const request = `${c.method} ${c.route}?${summary(c.query, 100)} as ${JSON.stringify(c.who).slice(0, 100)} authorization=${summary(c.authorization ?? "", 80)}`;
        const answer = await send(`${app.url}${c.route}${c.query ? `?${c.query}` : ""}`, {
          method: c.method,
          headers,
        });
        check(`GET ${c.route}`, request, answer, { ours: true, method: c.method });
        if (answer.status === 431) return; // cookie too large for Node: refused before the app
        const sent = c.authorization === null ? null : httpTrim(c.authorization);
        const bearer = sent?.startsWith("Bearer ") === true;
        const tokenOk = sent === `Bearer ${OPS_TOKEN}`;
        const userOk = c.who.kind === "user";
        // a wrong bearer token is refused even with a session; a missing one falls back to it
        const expected = tokenOk ? 200 : bearer ? 401 : userOk ? 200 : null;
        const problem =
          expected !== null && answer.status !== expected
            ? `expected ${expected}`
            : expected === null && !userOk && c.who.kind !== "withJunk" && answer.status < 400
              ? "answered without a session or token"
              : null;
        if (problem) throw new Error(`${request}\n→ ${describeAnswer(answer)}\n${problem}`);
      }),
      params(300),
    );
  }, 120_000);
});

describe("forged sessions (well-formed cookies, nonsense inside)", () => {
  const forge = (claims: Record<string, unknown>) =>
    encode({ token: claims as JWT, secret: NEXTAUTH_SECRET, maxAge: 3600 });
  // A cookie acts only through a live server-side session (lib/auth/sessions.ts): forged claims
  // name viewer1's real session id, so the claims themselves are what gets fuzzed.
  const viewerSid = async () => {
    const token = /next-auth\.session-token=([^;]+)/.exec(cookies.viewer1!)?.[1];
    const sid = (await decode({ token, secret: NEXTAUTH_SECRET }))?.sid;
    if (!sid) throw new Error("viewer1's session cookie carries no sid");
    return sid;
  };

  it("forging works: a well-formed viewer session reads the desk (else the property is vacuous)", async () => {
    const jwt = await forge({
      sid: await viewerSid(),
      username: "viewer1",
      role: "viewer",
      provider: "credentials",
      loginAt: Date.now(),
    });
    const res = await fetch(`${app.url}/api/mmp`, {
      headers: { cookie: `${SESSION_COOKIE}=${jwt}` },
    });
    expect(res.status).toBe(200);
  });

  it("claims of any type and value never cause a 5xx, a leak or a reset", async () => {
    const sid = await viewerSid();
    const claims = fc
      .tuple(
        fc.record(
          {
            sid: fc.oneof(fc.constant(sid), textAround([sid]), wrongType),
            username: fc.oneof(textAround(USERNAMES), wrongType),
            role: fc.oneof(
              textAround(["viewer", "screen", "trader", "admin"]),
              fc.constantFrom(
                "__proto__",
                "constructor",
                "toString",
                "hasOwnProperty",
                "superuser",
              ),
              wrongType,
            ),
            provider: fc.oneof(textAround(["credentials", "oidc"]), wrongType),
            loginAt: fc.oneof(
              fc.constant(Date.now()),
              fc.integer(),
              fc.double(),
              fc.constantFrom(0, -1, 1e300, "now", "1"),
              wrongType,
            ),
          },
          { requiredKeys: [] },
        ),
        fc.dictionary(
          fc.constantFrom("sub", "name", "email", "picture", "exp", "iat", "__proto__", "x"),
          wrongType,
          {
            maxKeys: 2,
            noNullPrototype: true,
          },
        ),
      )
      .map(([fields, extra]) => ({ ...extra, ...fields }));
    const target = fc.constantFrom(
      "GET /api/mmp",
      "GET /api/audit?limit=3",
      "GET /api/mmp/history?row=bn-main/BTCUSDT",
      "GET /api/stream",
      "GET /api/health",
      "GET /api/metrics",
      "POST /api/mmp/reset",
    );
    await fc.assert(
      fc.asyncProperty(claims, target, async (payload, route) => {
        const [method, path] = route.split(" ") as [string, string];
        const jwt = await forge(payload);
        const request = `${route} with a forged session ${JSON.stringify(payload).slice(0, 300)}`;
        const answer = await send(`${app.url}${path}`, {
          method,
          headers: {
            cookie: `${SESSION_COOKIE}=${jwt}`,
            origin: app.url,
            "content-type": "application/json",
          },
          // never valid: the key is too short, so nothing may be sent whoever this claims to be
          body:
            method === "POST"
              ? JSON.stringify({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: "short" })
              : undefined,
        });
        check(`${path.split("?")[0]} (forged sessions)`, request, answer, { ours: true, method });
        await noVenueReset(request);
      }),
      params(250),
    );
  }, 120_000);
});

describe("malformed HTTP (raw socket)", () => {
  it("header injection, bad framing, odd paths, methods and hosts get a 4xx, not a crash", async () => {
    const port = new URL(app.url).port;
    const pathSuffix = fc.oneof(
      { weight: 3, arbitrary: fc.constant("") },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          "?x=%00",
          "?row=%0d%0aX-Injected:%201",
          "%0d%0aX-Injected:%201",
          "/",
          "//",
          "/.",
          "/..",
          "/%2e%2e",
          "/..%2f..%2f",
          "%2F",
          ";x=1",
          "%00",
          "%zz",
          "?%zz",
          "?\u00ff\u00fe",
          "\u00e9",
          "#frag",
          "?a=1#b",
          "?" + "a".repeat(9000),
        ),
      },
      { weight: 1, arbitrary: queryString("audit").map((q) => `?${q}`) },
    );
    const headerBits = fc.constantFrom(
      "",
      "Origin: ORIGIN\r\nX-Injected: 1\r\n",
      "X-Fuzz: a\rX-Injected: 1\r\n",
      "X-Fuzz: a\nX-Injected: 1\r\n",
      "X-Fuzz: a\u0000b\r\n",
      "X-Fuzz: a\r\n folded\r\n",
      "X Fuzz: 1\r\n",
      "NoColon\r\n",
      ": empty-name\r\n",
      "Content-Type: application/json\r\nContent-Type: text/plain\r\n",
      "Origin: ORIGIN\r\nOrigin: https://evil.example\r\n",
      "Cookie: a=b\r\nCookie: c=d\r\n",
      "X-Forwarded-For: '; DROP TABLE audit_log; --\r\n",
      "X-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\n",
      "User-Agent: \u00e9\u00ff<script>\r\n",
      "Sec-Fetch-Site: cross-site\r\n",
      `X-Big: ${"a".repeat(20_000)}\r\n`,
    );
    const arb = fc.record({
      route: fc.constantFrom(...OUR_ROUTES, "/api/auth/session", "/api/auth/csrf"),
      method: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom("GET", "POST") },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            "PUT",
            "DELETE",
            "OPTIONS",
            "HEAD",
            "PROPFIND",
            "MKCOL",
            "PURGE",
            "CONNECT",
            "FOO",
            "get",
            "G\u00c9T",
            "",
          ),
        },
      ),
      suffix: pathSuffix,
      host: fc.constantFrom(
        "OK",
        "OK",
        "OK",
        "none",
        "evil.example",
        "a b",
        "[::1",
        "127.0.0.1:99999",
        "",
        "\u00e9.example",
        "OK\r\nHost: evil.example",
      ),
      version: fc.constantFrom(
        "HTTP/1.1",
        "HTTP/1.1",
        "HTTP/1.1",
        "HTTP/1.0",
        "HTTP/2.0",
        "HTTP/1.1 x",
      ),
      extra: fc.array(headerBits, { maxLength: 2 }),
      user: fc.constantFrom(null, "viewer1", "trader1"),
      framing: fc.constantFrom(
        "cl",
        "cl",
        "cl-short",
        "none",
        "chunked",
        "chunked-bad",
        "te+cl",
        "cl+cl",
      ),
      body: fc.oneof(
        // never a valid reset: the idempotency key is too short
        fc.constant(
          JSON.stringify({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: "short" }),
        ),
        fc.constantFrom(...INJECTIONS),
      ),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const host = c.host === "OK" ? `127.0.0.1:${port}` : c.host;
        const body = Buffer.from(c.method === "GET" || c.method === "HEAD" ? "" : c.body, "utf8");
        let framing = "";
        let payload: Buffer = body;
        if (c.framing === "cl") framing = `Content-Length: ${body.length}\r\n`;
        if (c.framing === "cl-short")
          framing = `Content-Length: ${Math.floor(body.length / 2)}\r\n`;
        if (c.framing === "cl+cl")
          framing = `Content-Length: ${body.length}\r\nContent-Length: 1\r\n`;
        if (c.framing === "te+cl")
          framing = `Transfer-Encoding: chunked\r\nContent-Length: ${body.length}\r\n`;
        if (c.framing.startsWith("chunked") || c.framing === "te+cl") {
          if (c.framing !== "te+cl") framing = "Transfer-Encoding: chunked\r\n";
          const size = c.framing === "chunked-bad" ? "zz" : body.length.toString(16);
          payload = Buffer.concat([
            Buffer.from(`${size}\r\n`),
            body,
            Buffer.from(body.length > 0 ? "\r\n0\r\n\r\n" : "\r\n"),
          ]);
        }
        const cookie = c.user ? `Cookie: ${cookies[c.user]}\r\n` : "";
        const head =
          `${c.method} ${c.route}${c.suffix} ${c.version}\r\n` +
          (c.host === "none" ? "" : `Host: ${host}\r\n`) +
          `Origin: ${app.url}\r\nContent-Type: application/json\r\n${cookie}` +
          c.extra.map((h) => h.replaceAll("ORIGIN", app.url)).join("") +
          `${framing}Connection: close\r\n\r\n`;
        const raw = Buffer.concat([Buffer.from(head, "latin1"), payload]);
        const request = `raw ${summary(head, 400)} + ${summary(payload.toString("latin1"), 100)}`;
        const answer = await sendRaw(app.url, raw);
        // Node closes a CONNECT it has no tunnel handler for, without an answer (documented).
        if (answer.status === 0 && c.method === "CONNECT") {
          counted("raw HTTP");
          return;
        }
        // Next itself answers a path it has no route for (HTML 404), and a method it does not
        // know (an empty 400): the one JSON error shape is owed for our routes and methods only.
        const exact = c.suffix === "" || c.suffix.startsWith("?");
        const known = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"].includes(
          c.method,
        );
        check(`raw HTTP`, request, answer, {
          ours: exact && known && OUR_ROUTES.includes(c.route),
          method: c.method,
          allowRedirect: true,
        });
        if (answer.headers.some(([k, v]) => k === "x-injected" || /x=y|X-Injected/i.test(v)))
          throw new Error(
            `${request}\n→ header injection in the answer: ${JSON.stringify(answer.headers)}`,
          );
        await noVenueReset(request);
      }),
      params(400),
    );
  }, 120_000);

  // Known, outside the app's reach: Next builds a WHATWG Request for every request and undici
  // refuses to build one for TRACE, so `next start` answers TRACE with a bare 500 before any app
  // code (a proxy.ts included) runs; other unknown methods get a 400. Mitigation: refuse TRACE
  // in the reverse proxy. `it.fails` flags the day Next answers it with a 4xx.
  it.fails("TRACE is answered 500 by Next itself (framework limitation)", async () => {
    const host = new URL(app.url).host;
    const answer = await sendRaw(
      app.url,
      Buffer.from(`TRACE /api/mmp HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    );
    expect(answer.status).toBeLessThan(500);
  });
});

describe("next-auth endpoints (smoke only: not ours)", () => {
  it("odd actions, methods and bodies under /api/auth/ never 5xx or leak", async () => {
    const arb = fc.record({
      action: fc.oneof(
        fc.constantFrom(
          "csrf",
          "session",
          "providers",
          "signin",
          "signin/credentials",
          "signout",
          "callback/credentials",
          "callback/oidc",
          "error",
          "_log",
          "verify-request",
          "session/..",
          "csrf%zz",
          "%E0%A4%A",
          "session%",
        ),
        fc.webSegment(),
        fc.constantFrom(...INJECTIONS).map(pct),
      ),
      method: fc.constantFrom("GET", "POST", "POST", "PUT", "DELETE"),
      query: fc
        .record(
          {
            error: textAround(["Configuration", "AccessDenied", "Verification", "Default"]),
            callbackUrl: fc.constantFrom("/", "https://evil.example", "//evil.example", "%zz"),
            csrf: fc.constantFrom("true", "x"),
          },
          { requiredKeys: [] },
        )
        .map((q) => new URLSearchParams(q).toString()),
      body: fc.oneof(
        fc.constant(null),
        fc
          .record(
            {
              csrfToken: textAround(["x"]),
              username: textAround(USERNAMES),
              password: nastyString(30),
              callbackUrl: fc.constantFrom(
                "/",
                "https://evil.example",
                "javascript:alert(1)",
                "//evil.example",
              ),
              json: fc.constantFrom("true", "false"),
            },
            { requiredKeys: [] },
          )
          .map((o) => new URLSearchParams(Object.entries(o)).toString()),
        resetJson,
      ),
      contentType: contentType,
      user: fc.constantFrom(null, "viewer1", "admin1"),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const headers: Record<string, string> = {};
        if (c.user) headers.cookie = cookies[c.user]!;
        if (c.contentType !== null) headers["content-type"] = c.contentType;
        const withBody = c.body !== null && c.method !== "GET";
        const path = `/api/auth/${c.action}${c.query ? `?${c.query}` : ""}`;
        const request = `${c.method} ${path} ${withBody ? summary(c.body ?? "") : ""}`;
        const answer = await send(`${app.url}${path}`, {
          method: c.method,
          headers,
          body: withBody ? c.body : undefined,
        });
        check("/api/auth/* (smoke)", request, answer, {
          ours: false,
          method: c.method,
          allowRedirect: true,
        });
      }),
      params(100),
    );
  }, 120_000);
});

// The smallest counterexamples fuzzing found, kept as plain cases so each fails on its own,
// every run, until fixed (see the fuzz report of issue "Faults, load and bad input", item 3).
describe("regressions found by fuzzing", () => {
  const raw = (line: string, headers = "") =>
    sendRaw(
      app.url,
      Buffer.from(
        `${line} HTTP/1.1\r\nHost: ${new URL(app.url).host}\r\n${headers}Connection: close\r\n\r\n`,
      ),
    );
  const cases: [string, () => Promise<Answer>][] = [
    [
      "a malformed next-auth.callback-url cookie on our routes (getServerSession throws)",
      () => send(`${app.url}/api/mmp`, { headers: { cookie: "next-auth.callback-url=...." } }),
    ],
    [
      "a malformed next-auth.callback-url cookie beside a valid session",
      () =>
        send(`${app.url}/api/audit`, {
          headers: {
            cookie: `next-auth.callback-url=%00; ${sessionOnly(cookies.viewer1!)}`,
          },
        }),
    ],
    [
      "POST /api/auth/session with a JSON content type and a non-JSON body",
      () =>
        send(`${app.url}/api/auth/session`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "x",
        }),
    ],
    [
      "GET /api/auth/signin?callbackUrl= not a URL",
      () => send(`${app.url}/api/auth/signin?callbackUrl=%25zz`),
    ],
    ["GET /api/auth/callback/credentials", () => send(`${app.url}/api/auth/callback/credentials`)],
    [
      "GET /api/auth/error?error=Configuration (next-auth's own error page)",
      () => send(`${app.url}/api/auth/error?error=Configuration`),
    ],
    ["a malformed percent-encoding in /api/auth/[...nextauth]", () => raw("GET /api/auth/csrf%zz")],
    [
      "a session whose claims are not of their types",
      async () =>
        send(`${app.url}/api/mmp`, {
          headers: {
            cookie: `${SESSION_COOKIE}=${await encode({
              // Deliberately not a JWT of our claims' types (types/next-auth.d.ts).
              token: {
                username: "viewer1",
                role: "viewer",
                provider: "credentials",
                loginAt: { toString: "x" },
              } as Record<string, unknown> as JWT,
              secret: NEXTAUTH_SECRET,
            })}`,
          },
        }),
    ],
  ];
  it.each(cases)("%s: not a 5xx", async (name, request) => {
    const answer = await request();
    check("regressions", name, answer, { ours: false, method: "GET", allowRedirect: true });
  });
});

describe("afterwards", () => {
  it("the app is alive and answering, and its log holds no secret", async () => {
    expect((await fetch(`${app.url}/api/auth/csrf`)).status).toBe(200);
    const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie: cookies.viewer1! } });
    expect(res.status).toBe(200);
    expect(FIXTURE_SECRETS.filter((s) => app.logs().includes(s))).toEqual([]);
    await noVenueReset("the whole run");
  });
});
