import { chromium } from "@playwright/test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@/simulator";
import type { SimHandle } from "@/simulator/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { CHROMIUM_ARGS, chromiumPath } from "../support/chromium";
import { createPgDatabase, type TempPg } from "../support/databases";
import { fixtureAccount, passwordOf, simAccounts } from "../support/fixtures";
import { signIn } from "../support/session";
import { simControl, type SimLogEntry } from "../support/sim-client";
import { waitFor } from "../support/wait";

// Two app processes on one PostgreSQL and one simulator: one poller, one desk, one audit chain.

const READ_PATHS = new Set([
  "/eapi/v1/mmp",
  "/v5/account/mmp-state",
  "/api/v5/account/mmp-config",
  "/api/v2/private/get_mmp_config",
  "/api/v2/private/get_mmp_status",
]);
const WINDOW_MS = 8000;
let pgdb: TempPg;
let sim: SimHandle;
let a: AppUnderTest;
let b: AppUnderTest;
let ctl: ReturnType<typeof simControl>;

const health = async (app: AppUnderTest, cookie: string) =>
  (await (await fetch(`${app.url}/api/health`, { headers: { cookie } })).json()) as {
    role: string;
    ready: boolean;
  };
const reads = (log: SimLogEntry[]) => log.filter((e) => READ_PATHS.has(e.path));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)); // measurement windows only

beforeAll(async () => {
  pgdb = await createPgDatabase();
  sim = await startSimulator({ accounts: simAccounts() });
  ctl = simControl(sim.url);
  a = await startAppUnderTest({ sim, databaseUrl: pgdb.url });
  const cookieA = await signIn(a.url, "admin1");
  await waitFor(async () => (await health(a, cookieA)).role === "leader", 10_000);
  b = await startAppUnderTest({ sim, databaseUrl: pgdb.url });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await sim?.close();
  await pgdb?.drop();
});

/** Per account, poll cycles (reads within 250 ms of each other: one cycle's scope reads may wait
 * for rate-budget tokens) never come closer than a single poller's shortest interval: two pollers
 * would interleave. */
function overlappingCycles(log: SimLogEntry[], minGapMs: number): string[] {
  const byKey = new Map<string, number[]>();
  for (const e of reads(log))
    if (e.apiKey) byKey.set(e.apiKey, [...(byKey.get(e.apiKey) ?? []), e.at]);
  const problems: string[] = [];
  for (const [key, times] of byKey) {
    const starts: number[] = [];
    let last = Number.NEGATIVE_INFINITY;
    for (const t of times.sort((x, y) => x - y)) {
      if (t - last > 250) starts.push(t);
      last = t;
    }
    starts.forEach((t, i) => {
      if (i > 0 && t - starts[i - 1]! < minGapMs)
        problems.push(`${key}: cycles ${t - starts[i - 1]!} ms apart`);
    });
  }
  return problems;
}

describe("two app processes on one PostgreSQL", () => {
  it("upstream reads equal one process's; the follower does not poll", async () => {
    const cookieB = await signIn(b.url, "admin1");
    await waitFor(async () => (await health(b, cookieB)).role === "follower", 10_000);
    expect(await health(b, cookieB)).toMatchObject({ role: "follower", ready: true });
    await ctl.clearLog();
    await sleep(WINDOW_MS);
    const both = reads(await ctl.log()).length;
    await b.stop();
    await ctl.clearLog();
    await sleep(WINDOW_MS);
    const one = reads(await ctl.log()).length;
    console.log(`upstream reads per ${WINDOW_MS / 1000} s: A alone ${one}, A + B ${both}`);
    expect(Math.abs(both - one) / one).toBeLessThanOrEqual(0.1);
    b = await startAppUnderTest({ sim, databaseUrl: pgdb.url });
  });

  it(
    "a browser on the follower sees a freeze polled by the leader",
    { timeout: 60_000 },
    async () => {
      const browser = await chromium.launch({
        executablePath: chromiumPath(),
        args: CHROMIUM_ARGS,
      });
      try {
        const page = await browser.newPage();
        await page.goto(`${b.url}/login`);
        await page.getByLabel("Username").fill("viewer1");
        await page.getByLabel("Password").fill(passwordOf("viewer1"));
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        const row = page
          .getByRole("row")
          .filter({ has: page.getByRole("rowheader", { name: "SOLUSDT", exact: true }) })
          .filter({ hasText: "Binance alt" });
        await row.waitFor({ timeout: 10_000 }).catch(async (err: unknown) => {
          throw new Error(`${String(err)}\n${(await page.content()).slice(0, 3000)}`);
        });
        await waitFor(async () => (await row.innerText()).includes("ACTIVE"), 10_000);
        await ctl.freeze(fixtureAccount("bn-alt").apiKey, "SOLUSDT");
        await waitFor(async () => (await row.innerText()).includes("FROZEN"), 3000);
      } finally {
        await browser.close();
      }
    },
  );

  it("50 resets split across both processes leave one verified chain; one key on A then B makes one call", async () => {
    const ids = [
      "bn-main/BTCUSDT",
      "bn-alt/BTCUSDT",
      "bb-main/BTC",
      "okx-main/BTC-USD",
      "deribit-main/btc_usd",
    ];
    const cookies = await Promise.all([signIn(a.url, "trader1"), signIn(b.url, "trader2")]);
    const apps = [a, b];
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const [accountId, ...scope] = ids[i % ids.length]!.split("/");
        const app = apps[i % 2]!;
        return fetch(`${app.url}/api/mmp/reset`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: app.url, cookie: cookies[i % 2]! },
          body: JSON.stringify({
            accountId,
            scope: scope.join("/"),
            idempotencyKey: `cluster-${i}`,
          }),
        }).then((r) => r.status);
      }),
    );
    expect(statuses.filter((s) => ![200, 202, 409, 503].includes(s))).toEqual([]);
    const audit = (await (
      await fetch(`${b.url}/api/audit?limit=10000`, { headers: { cookie: cookies[1]! } })
    ).json()) as {
      verdict: { ok: boolean; rows: number };
    };
    expect(audit.verdict.ok).toBe(true);

    await ctl.freeze(fixtureAccount("bn-main").apiKey, "ETHUSDT");
    await waitFor(async () => {
      const s = (await (
        await fetch(`${b.url}/api/mmp`, { headers: { cookie: cookies[1]! } })
      ).json()) as { rows: { id: string; status: string }[] };
      return s.rows.find((r) => r.id === "bn-main/ETHUSDT")?.status === "frozen";
    }, 5000);
    await ctl.clearLog();
    const send = (app: AppUnderTest, cookie: string) =>
      fetch(`${app.url}/api/mmp/reset`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: app.url, cookie },
        body: JSON.stringify({
          accountId: "bn-main",
          scope: "ETHUSDT",
          idempotencyKey: "cluster-same-key",
        }),
      });
    const first = await send(a, await signIn(a.url, "trader3"));
    const second = await send(b, await signIn(b.url, "trader3"));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await first.json()).toEqual(await second.json());
    expect(await ctl.log({ path: "/eapi/v1/mmpReset" })).toHaveLength(1);
  });

  it("a Binance reset through the follower: the leader's own reads show the row ACTIVE", async () => {
    // Binance has no frozen flag and may keep lastTriggerTime after a reset: only a process that
    // knows which trigger the reset cleared reads the row as ACTIVE. The leader polls for both.
    const cookies = await Promise.all([signIn(a.url, "viewer1"), signIn(b.url, "trader1")]);
    const rowOn = async (app: AppUnderTest, cookie: string) => {
      const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie } });
      const snapshot = (await res.json()) as {
        rows: { id: string; status: string; fetchedAt: number | null }[];
      };
      return snapshot.rows.find((r) => r.id === "bn-alt/BTCUSDT");
    };
    await ctl.freeze(fixtureAccount("bn-alt").apiKey, "BTCUSDT");
    await waitFor(async () => (await rowOn(a, cookies[0]))?.status === "frozen", 10_000);
    await waitFor(async () => (await rowOn(b, cookies[1]))?.status === "frozen", 10_000);
    const res = await fetch(`${b.url}/api/mmp/reset`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: b.url, cookie: cookies[1] },
      body: JSON.stringify({
        accountId: "bn-alt",
        scope: "BTCUSDT",
        idempotencyKey: "cluster-follower-binance",
      }),
    });
    expect(res.status).toBe(200);
    const answeredAt = Date.now();
    // Reads the leader started well after the answer (polls of a frozen row are 500 ms apart).
    await waitFor(
      async () => ((await rowOn(a, cookies[0]))?.fetchedAt ?? 0) > answeredAt + 1500,
      10_000,
    );
    expect((await rowOn(a, cookies[0]))?.status).toBe("active");
    expect((await rowOn(b, cookies[1]))?.status).toBe("active");
  });

  it("/api/metrics is Prometheus text with the desk's series", async () => {
    const cookie = await signIn(a.url, "admin1");
    const res = await fetch(`${a.url}/api/metrics`, { headers: { cookie } });
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await res.text();
    const families = parsePrometheusTextFormat(text);
    const names = new Set(families.map((f) => f.name));
    for (const n of [
      "mmp_poll_duration_seconds",
      "mmp_upstream_errors_total",
      "mmp_reset_outcomes_total",
      "mmp_stream_clients",
      "mmp_leader",
      "mmp_clock_offset_ms",
      "mmp_rows",
    ]) {
      expect(names).toContain(n);
    }
    const leader = families.find((f) => f.name === "mmp_leader")!;
    expect(leader.metrics[0]).toMatchObject({ labels: { role: "leader" }, value: "1" });
    const polls = families.find((f) => f.name === "mmp_poll_duration_seconds")!;
    expect(polls.type).toBe("HISTOGRAM");
    const count = /^mmp_poll_duration_seconds_count\{[^}]*venue="binance"[^}]*\} (\d+)$/m.exec(
      text,
    );
    expect(Number(count?.[1])).toBeGreaterThan(0);
    expect((await fetch(`${a.url}/api/metrics`)).status).toBe(401);
  });

  it("killing the leader makes the follower lead within 10 s, with no overlapping poller", async () => {
    const cookieB = await signIn(b.url, "admin1");
    await ctl.clearLog();
    const killedAt = Date.now();
    await a.crash?.();
    await waitFor(async () => (await health(b, cookieB)).role === "leader", 10_000);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await waitFor(async () => reads(await ctl.log()).some((e) => e.at > killedAt + 200), 5000);
    await sleep(3000);
    // Frozen accounts are polled every 500 ms ± 10 %; two pollers would put cycles far closer.
    expect(
      overlappingCycles(
        (await ctl.log()).filter((e) => e.at > killedAt),
        400,
      ),
    ).toEqual([]);
  });
});
