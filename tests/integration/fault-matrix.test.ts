import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeskSnapshot } from "@/lib/model/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { signIn } from "../support/session";
import { simControl, type FaultSpec } from "../support/sim-client";
import { waitFor } from "../support/wait";

// The fault matrix: every way a venue can fail a reset, driven through the simulator's fault
// controls against the production server with its monitor running. For each: a definite answer
// within the reset timeout + 1 s, the right audit rows, at most one reset per click on the wire
// (two for a clock re-sync), and the server still up.

const RESET_TIMEOUT_MS = 1500;
const PATH = "/v5/account/mmp-reset";
let app: AppUnderTest;
let ctl: ReturnType<typeof simControl>;
let cookie = "";
let n = 0;

type Outcome = "ok" | "unknown" | "rejected";
interface Case {
  name: string;
  fault?: FaultSpec;
  skewMs?: number;
  status: number;
  audit: string[];
  maxResets: number;
  message?: RegExp;
  /** Wait for this status afterwards (a late effect must not leak into the next case). */
  settlesTo?: "active";
}

const CASES: Case[] = [
  {
    name: "latency above the timeout (venue acts late)",
    fault: { kind: "latency", ms: 2500, path: PATH },
    status: 202,
    audit: ["requested", "unknown", "resolved"],
    maxResets: 1,
    message: /Outcome unknown/,
    settlesTo: "active",
  },
  {
    name: "hang",
    fault: { kind: "hang", path: PATH },
    status: 202,
    audit: ["requested", "unknown", "resolved"],
    maxResets: 1,
    message: /still shows FROZEN/,
  },
  {
    name: "HTTP 500",
    fault: { kind: "status", status: 500, path: PATH },
    status: 202,
    audit: ["requested", "unknown", "resolved"],
    maxResets: 1,
  },
  {
    name: "HTTP 503 after the venue acted",
    fault: { kind: "status", status: 503, path: PATH, apply: true },
    status: 202,
    audit: ["requested", "unknown", "resolved"],
    maxResets: 1,
    message: /shows ACTIVE: the reset took effect/,
  },
  {
    name: "connection reset",
    fault: { kind: "drop", path: PATH },
    status: 202,
    audit: ["requested", "unknown", "resolved"],
    maxResets: 1,
  },
  {
    name: "truncated JSON after the venue acted",
    fault: { kind: "bad-json", path: PATH, apply: true },
    status: 202,
    audit: ["requested", "unknown", "resolved"],
    maxResets: 1,
    message: /took effect/,
  },
  {
    name: "venue clock 3 s ahead",
    skewMs: 3000,
    status: 200,
    audit: ["requested", "ok", "observed"],
    maxResets: 2,
  },
  {
    name: "venue clock 3 s behind (one re-sync)",
    skewMs: -3000,
    status: 200,
    audit: ["requested", "ok", "observed"],
    maxResets: 2,
  },
  {
    name: "wrong credentials",
    fault: {
      kind: "status",
      status: 200,
      path: PATH,
      body: JSON.stringify({
        retCode: 10003,
        retMsg: "API key is invalid.",
        result: {},
        retExtInfo: {},
        time: 0,
      }),
    },
    status: 502,
    audit: ["requested", "rejected"],
    maxResets: 1,
    message: /API key rejected/,
  },
  {
    name: "429 with Retry-After",
    fault: { kind: "status", status: 429, retryAfterSec: 1, path: PATH },
    status: 503,
    audit: ["requested", "rejected"],
    maxResets: 1,
    message: /rate limit/,
  },
];

async function snapshot(): Promise<DeskSnapshot> {
  return (await (
    await fetch(`${app.url}/api/mmp`, { headers: { cookie } })
  ).json()) as DeskSnapshot;
}
const rowOf = async (id: string) => (await snapshot()).rows.find((r) => r.id === id);

/** Back to the start state, and wait until the app sees the row FROZEN with nothing blocking a
 * reset (a previous case may have left a ban, rate-limit stop or open breaker to expire). */
async function restoreFrozen(): Promise<void> {
  await ctl.restore();
  await waitFor(async () => {
    const row = await rowOf("bb-main/BTC");
    return row?.status === "frozen" && !row.resetBlocked;
  }, 8000);
}

async function resetBtc() {
  const key = `fault-${Date.now()}-${(n += 1)}`;
  const started = Date.now();
  const res = await fetch(`${app.url}/api/mmp/reset`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url, cookie },
    body: JSON.stringify({ accountId: "bb-main", scope: "BTC", idempotencyKey: key }),
  });
  const body = (await res.json()) as { message?: string; error?: { message: string } };
  return {
    key,
    status: res.status,
    elapsed: Date.now() - started,
    text: body.message ?? body.error?.message ?? "",
  };
}

async function auditFor(key: string): Promise<string[]> {
  const res = await fetch(`${app.url}/api/audit?limit=10000`, { headers: { cookie } });
  const { rows } = (await res.json()) as {
    rows: { idempotency_key: string | null; outcome: Outcome }[];
  };
  return rows
    .filter((r) => r.idempotency_key === key)
    .map((r) => r.outcome)
    .reverse();
}

beforeAll(async () => {
  app = await startAppUnderTest({
    env: { MMP_RESET_TIMEOUT_MS: String(RESET_TIMEOUT_MS), MMP_BREAKER_OPEN_MS: "2000" },
  });
  ctl = simControl(app.sim.url);
  cookie = await signIn(app.url, "trader1");
});
afterAll(() => app?.stop());

describe("fault matrix (Bybit reset)", () => {
  it.each(CASES)("$name", async (c) => {
    await restoreFrozen();
    await ctl.clearLog();
    if (c.skewMs) await ctl.skew(c.skewMs, "bybit");
    if (c.fault) await ctl.fault({ venue: "bybit", ...c.fault });
    const r = await resetBtc();
    expect(r.status).toBe(c.status);
    expect(r.elapsed).toBeLessThanOrEqual(RESET_TIMEOUT_MS + 1000);
    if (c.message) expect(r.text, r.text).toMatch(c.message);
    await waitFor(async () => (await auditFor(r.key)).length >= c.audit.length, 3000);
    expect(await auditFor(r.key)).toEqual(c.audit);
    const resets = (await ctl.log({ path: PATH })).length;
    expect(resets).toBeGreaterThanOrEqual(1);
    expect(resets).toBeLessThanOrEqual(c.maxResets);
    expect((await fetch(`${app.url}/api/auth/csrf`)).status).toBe(200);
    // The monitor keeps looking: a reset the venue applied late shows up by itself.
    if (c.settlesTo)
      await waitFor(async () => (await rowOf("bb-main/BTC"))?.status === c.settlesTo, 5000);
  });

  it("after a 429, a second click within Retry-After sends nothing and says why", async () => {
    await restoreFrozen();
    await ctl.clearLog();
    await ctl.fault({ venue: "bybit", kind: "status", status: 429, retryAfterSec: 2, path: PATH });
    const first = await resetBtc();
    expect(first.status, first.text).toBe(503);
    const second = await resetBtc();
    expect(second.status).toBe(503);
    expect(second.text).toMatch(/nothing (was )?sent/);
    expect(await auditFor(second.key)).toEqual(["denied"]);
    expect((await ctl.log({ path: PATH })).length).toBe(1);
  });

  it("a 418 ban stops every call to that venue host until it ends, and the desk says so", async () => {
    await restoreFrozen();
    await ctl.fault({ venue: "bybit", kind: "status", status: 418, retryAfterSec: 4, path: PATH });
    const r = await resetBtc();
    expect(r.status).toBe(503);
    expect(r.text).toMatch(/banned/);
    await ctl.clearLog();
    // Two poll intervals later: no Bybit request at all, and the rows carry the reason.
    await waitFor(
      async () => Boolean((await rowOf("bb-notmm/BTC"))?.resetBlocked?.match(/banned/)),
      3000,
    );
    const since = Date.now();
    await waitFor(() => Date.now() - since > 2000, 3000);
    expect((await ctl.log()).filter((e) => e.venue === "bybit")).toHaveLength(0);
    const blocked = await resetBtc();
    expect(blocked.status).toBe(503);
    // After the ban: polling resumes by itself.
    await waitFor(async () => (await ctl.log()).some((e) => e.venue === "bybit"), 8000);
  });

  it("repeated read failures open the account's circuit: degraded, Reset refused with the reason, then a probe closes it", async () => {
    await restoreFrozen();
    const apiKey = "test-fixture-key-bb-main-5c7d";
    await ctl.fault({
      venue: "bybit",
      apiKey,
      path: "/v5/account/mmp-state",
      kind: "drop",
      times: 0,
    });
    await waitFor(
      async () => Boolean((await rowOf("bb-main/BTC"))?.resetBlocked?.startsWith("degraded")),
      15_000,
    );
    expect((await rowOf("bb-main/BTC"))?.problem?.code).toMatch(/degraded|unavailable/);
    await ctl.clearLog();
    const refused = await resetBtc();
    expect(refused.status).toBe(503);
    expect(refused.text).toMatch(/^degraded: \d+ failed reads in a row/);
    expect(await auditFor(refused.key)).toEqual(["denied"]);
    expect(await ctl.log({ path: PATH })).toHaveLength(0);
    // While open, the account is not polled at all; after the cool-down one probe goes out.
    await ctl.clearFaults();
    await waitFor(
      async () =>
        !(await rowOf("bb-main/BTC"))?.resetBlocked &&
        (await rowOf("bb-main/BTC"))?.status === "frozen",
      10_000,
    );
    expect((await resetBtc()).status).toBe(200);
  });
});
