import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditRecord as AuditRow } from "@/lib/model/audit";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { fixtureAccount, passwordOf } from "../support/fixtures";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";
import { openStream } from "../support/sse-client";
import { waitFor } from "../support/wait";

// Issue 12, points 7 and 8, through the production build: a forged X-Forwarded-For does not
// reach the audit trail; a forged Host does not pass the origin check; a callbackUrl in a sign-in
// body is a 400, not a 500 with a stack trace; a Bybit signature error does not show the API key
// anywhere; every response carries the security headers.
//
// The app trusts 127.0.0.2 as a proxy. Loopback is a /8 on Linux, so a request can come from
// 127.0.0.1 (an ordinary client) or from 127.0.0.2 (the proxy) to the same server.

const PROXY = "127.0.0.2";
const BB_KEY = fixtureAccount("bb-main").apiKey;

let app: AppUnderTest;
let ctl: ReturnType<typeof simControl>;
const cookies: Record<string, string> = {};
let n = 0;
const key = () => `hardening-${Date.now()}-${(n += 1)}`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request over node:http, which (unlike fetch) can pick the local address and set Host. */
function send(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
): Promise<Answer> {
  const url = new URL(path, app.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: init.method ?? "GET",
        headers: init.headers,
        localAddress: init.from,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

const resetFrom = (user: string, body: unknown, headers: Record<string, string>, from?: string) =>
  send("/api/mmp/reset", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: app.url,
      cookie: cookies[user]!,
      ...headers,
    },
    body: JSON.stringify(body),
    from,
  });

async function auditRows(): Promise<AuditRow[]> {
  const res = await fetch(`${app.url}/api/audit?limit=10000`, {
    headers: { cookie: cookies.viewer1! },
  });
  return ((await res.json()) as { rows: AuditRow[] }).rows;
}
const rowOf = async (k: string) => (await auditRows()).find((r) => r.idempotency_key === k);

beforeAll(async () => {
  app = await startAppUnderTest({
    env: {
      MMP_TRUSTED_PROXIES: PROXY,
      MMP_MONITOR: "off",
      // A second account on bb-main's key whose secret is wrong: every read of it is a real
      // signature error from the simulator, which (like Bybit) quotes the key back.
      MMP_H_BB_WRONG_SECRET: "wrong-secret-for-bb-main-0000",
    },
  });
  ctl = simControl(app.sim.url);
  for (const u of ["trader2", "trader3", "trader4", "trader5", "viewer1", "screen1"])
    cookies[u] = await signIn(app.url, u);
});
afterAll(() => app?.stop());

describe("the client address in the audit trail", () => {
  // Well-formed resets of an account that does not exist: refused, each with a row under its key.
  const refused = () => ({ accountId: "nope", scope: "BTCUSDT", idempotencyKey: key() });

  it("a forged X-Forwarded-For from an ordinary client is ignored: the socket address is kept", async () => {
    const body = refused();
    const res = await resetFrom("trader2", body, { "x-forwarded-for": "203.0.113.66" });
    expect(res.status).toBe(404);
    expect((await rowOf(body.idempotencyKey))?.client_ip).toBe("127.0.0.1");
  });

  it("from the trusted proxy, the client it names is the address", async () => {
    const body = refused();
    const res = await resetFrom("trader3", body, { "x-forwarded-for": "198.51.100.9" }, PROXY);
    expect(res.status).toBe(404);
    expect((await rowOf(body.idempotencyKey))?.client_ip).toBe("198.51.100.9");
  });

  it("a value the client put before the proxy's own is not believed", async () => {
    const body = refused();
    const xff = "203.0.113.66, 198.51.100.10";
    expect((await resetFrom("trader4", body, { "x-forwarded-for": xff }, PROXY)).status).toBe(404);
    expect((await rowOf(body.idempotencyKey))?.client_ip).toBe("198.51.100.10");
  });

  it("the trusted proxy without a header is itself the client", async () => {
    const body = refused();
    expect((await resetFrom("trader5", body, {}, PROXY)).status).toBe(404);
    expect((await rowOf(body.idempotencyKey))?.client_ip).toBe(PROXY);
  });
});

describe("the origin check without APP_ORIGIN", () => {
  it("a forged Host with a matching Origin is refused: NEXTAUTH_URL names this app", async () => {
    const res = await resetFrom(
      "trader2",
      { accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key() },
      { host: "evil.example:8443", origin: "http://evil.example:8443" },
    );
    expect(res.status).toBe(403);
    expect((JSON.parse(res.text) as { error: { code: string } }).error.code).toBe("bad_origin");
    expect(await ctl.log({ path: "/eapi/v1/mmpReset" })).toEqual([]);
  });
});

describe("a callbackUrl in a sign-in body", () => {
  async function credentialsPost(
    type: "form" | "json",
    callbackUrl: unknown,
  ): Promise<{ status: number; text: string }> {
    const csrf = await fetch(`${app.url}/api/auth/csrf`);
    const csrfCookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const fields = {
      csrfToken,
      username: "trader2",
      password: passwordOf("trader2"),
      json: "true",
    };
    const res = await fetch(`${app.url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": type === "form" ? "application/x-www-form-urlencoded" : "application/json",
        cookie: csrfCookie,
      },
      body:
        type === "form"
          ? new URLSearchParams({ ...fields, callbackUrl: String(callbackUrl) })
          : JSON.stringify({ ...fields, callbackUrl }),
    });
    return { status: res.status, text: await res.text() };
  }

  it.each<[string, "form" | "json", unknown]>([
    ["not a URL (form)", "form", "not a url"],
    ["javascript: (form)", "form", "javascript:alert(1)"],
    ["a number (JSON)", "json", 42],
    ["an object (JSON)", "json", { url: "/" }],
  ])("%s: 400 invalid_callback_url, no stack trace in the log", async (_name, type, value) => {
    const before = app.logs().length;
    const res = await credentialsPost(type, value);
    expect(res.status).toBe(400);
    expect((JSON.parse(res.text) as { error: { code: string } }).error.code).toBe(
      "invalid_callback_url",
    );
    const logged = app.logs().slice(before);
    expect(logged).not.toMatch(/\n\s+at /);
    expect(logged).not.toMatch(/Invalid URL|TypeError/);
  });

  it("a path or this app's URL still signs in", async () => {
    for (const callbackUrl of ["/screen", `${app.url}/audit`]) {
      const res = await credentialsPost("form", callbackUrl);
      expect(res.status).toBe(200);
      expect((JSON.parse(res.text) as { url: string }).url).toContain(app.url);
    }
  });
});

describe("a Bybit signature error", () => {
  beforeAll(() => {
    app.editConfig((c) => ({
      ...c,
      accounts: [
        ...c.accounts,
        {
          id: "bb-wrong",
          label: "Bybit wrong secret",
          venue: "bybit",
          baseUrl: app.sim.url,
          apiKeyEnv: "MMP_TEST_BB_MAIN_KEY",
          apiSecretEnv: "MMP_H_BB_WRONG_SECRET",
          demoTrading: false,
          keyType: "hmac",
          scopes: ["BTC"],
        },
      ],
    }));
  });

  it("is shown as an invalid signature without the API key: row, stream, wall, audit, log", async () => {
    await ctl.clearLog();
    // The row, as the desk reads it.
    let problem = "";
    await waitFor(async () => {
      const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie: cookies.viewer1! } });
      const text = await res.text();
      expect(text).not.toContain(BB_KEY);
      const rows = (JSON.parse(text) as { rows: { id: string; problem: { message: string } }[] })
        .rows;
      problem = rows.find((r) => r.id === "bb-wrong/BTC")?.problem?.message ?? "";
      return /invalid signature/.test(problem);
    });
    expect(problem).toBe("Bybit: invalid signature (10004): error sign! origin_string withheld");
    // The simulator did quote the key back, as Bybit does.
    const answers = await ctl.log({ path: "/v5/account/mmp-state" });
    expect(answers.some((e) => String(e.venueCode) === "10004")).toBe(true);

    // The live stream and the wall.
    const stream = await openStream(`${app.url}/api/stream`, cookies.screen1!);
    try {
      await stream.waitForEvent((e) => JSON.stringify(e.data).includes("bb-wrong/BTC"));
      expect(JSON.stringify(stream.events)).not.toContain(BB_KEY);
    } finally {
      stream.close();
    }
    const wall = await fetch(`${app.url}/screen`, { headers: { cookie: cookies.screen1! } });
    expect(wall.status).toBe(200);
    expect(await wall.text()).not.toContain(BB_KEY);

    // A reset refused because the state cannot be read: the refusal quotes the problem.
    const k = key();
    const res = await resetFrom(
      "trader3",
      { accountId: "bb-wrong", scope: "BTC", idempotencyKey: k },
      {},
    );
    expect(res.status).toBe(503);
    expect(res.text).not.toContain(BB_KEY);
    expect((await rowOf(k))?.detail).toMatch(/invalid signature \(10004\)/);
  });

  it("a reset the venue answers with a quoted key: the answer and its `rejected` row name no key", async () => {
    await fetch(`${app.url}/api/mmp`, { headers: { cookie: cookies.viewer1! } });
    await ctl.fault({
      path: "/v5/account/mmp-reset",
      kind: "status",
      status: 200,
      body: JSON.stringify({
        retCode: 10004,
        retMsg: `error sign! origin_string[1700000000000${BB_KEY}5000{"baseCoin":"BTC"}]`,
        result: {},
        time: Date.now(),
      }),
    });
    const k = key();
    const res = await resetFrom(
      "trader4",
      { accountId: "bb-main", scope: "BTC", idempotencyKey: k },
      {},
    );
    expect(res.status).toBe(502);
    expect(res.text).not.toContain(BB_KEY);
    const rows = (await auditRows()).filter((r) => r.idempotency_key === k);
    expect(rows.map((r) => r.outcome).sort()).toEqual(["rejected", "requested"]);
    expect(JSON.stringify(rows)).not.toContain(BB_KEY);
    expect(rows.find((r) => r.outcome === "rejected")?.venue_message).toBe(
      "Bybit: invalid signature (10004): error sign! origin_string withheld",
    );
  });

  it("the server log never carries the key", () => {
    expect(app.logs()).toContain("invalid signature (10004)");
    expect(app.logs()).not.toContain(BB_KEY);
  });
});

describe("security headers", () => {
  const cspOf = (a: Answer) => String(a.headers["content-security-policy"] ?? "");

  it("pages: a CSP whose script nonce is on every script, fresh per response", async () => {
    const first = await send("/", { headers: { cookie: cookies.viewer1! } });
    const second = await send("/", { headers: { cookie: cookies.viewer1! } });
    expect(first.status).toBe(200);
    const nonce = /'nonce-([^']+)'/.exec(cspOf(first))?.[1];
    expect(nonce).toBeTruthy();
    expect(cspOf(first)).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
    expect(cspOf(first)).toContain("frame-ancestors 'none'");
    expect(cspOf(first)).toContain("object-src 'none'");
    expect(cspOf(second)).not.toBe(cspOf(first));
    const scripts = [...first.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it.each(["/", "/login", "/api/mmp"])(
    "%s: a CSP, Permissions-Policy (wake lock kept for the wall), no HSTS over http",
    async (path) => {
      const res = await send(path, { headers: { cookie: cookies.viewer1! } });
      // Pages: the nonce policy above; API answers may load nothing at all.
      expect(cspOf(res)).toContain(
        path.startsWith("/api/") ? "default-src 'none'" : "default-src 'self'",
      );
      expect(cspOf(res)).toContain("frame-ancestors 'none'");
      const policy = String(res.headers["permissions-policy"]);
      for (const feature of ["camera=()", "microphone=()", "geolocation=()", "payment=()"])
        expect(policy).toContain(feature);
      expect(policy).toContain("screen-wake-lock=(self)");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["strict-transport-security"]).toBeUndefined();
    },
  );

  it("HSTS when the public origin is https", async () => {
    const secure = await startAppUnderTest({
      sim: app.sim,
      env: { APP_ORIGIN: "https://desk.example", MMP_MONITOR: "off" },
    });
    try {
      // Pages and next-auth's routes (the browser keeps HSTS for the host from any of them).
      for (const path of ["/login", "/api/auth/csrf"]) {
        const res = await fetch(`${secure.url}${path}`, { redirect: "manual" });
        expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
      }
    } finally {
      await secure.stop();
    }
  });
});
