import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteFile } from "@/lib/db/sqlite";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";
import { waitFor } from "../support/wait";

// SIGTERM to the production server while a browser stream is open and a reset is at the venue
// (issue 12, point 8 and its acceptance): the reset finishes and both its audit rows are written,
// the stream ends with a `shutdown` event and a `retry:` hint, new streams and resets are refused
// with 503 meanwhile, and the process exits by itself, with code 0, within 10 s.

let app: AppUnderTest;
const ROW = "bn-main/BTCUSDT";

beforeAll(async () => {
  // The venue takes 2 s to answer the reset below, inside the reset timeout.
  app = await startAppUnderTest({ env: { MMP_RESET_TIMEOUT_MS: "5000" } });
});
afterAll(() => app?.stop());

/** A stream read to its end, as text (the `retry:` field included). */
function readStream(cookie: string) {
  const state = { text: "", ended: false };
  const req = request(`${app.url}/api/stream`, { agent: false, headers: { cookie } }, (res) => {
    res.setEncoding("utf8");
    res.on("data", (d: string) => (state.text += d));
    res.on("end", () => (state.ended = true));
  });
  req.on("error", () => (state.ended = true));
  req.end();
  return state;
}

function auditOutcomes(key: string): string[] {
  const db = openSqliteFile(app.sqlitePath);
  try {
    const rows = db
      .prepare("SELECT outcome FROM audit_log WHERE idempotency_key = ? ORDER BY seq")
      .all([key]) as { outcome: string }[];
    return rows.map((r) => r.outcome);
  } finally {
    db.close();
  }
}

describe("SIGTERM", () => {
  it("with an open stream and a reset in flight: the reset finishes and is audited, the stream ends with a retry hint, exit 0 within 10 s", async () => {
    const cookie = await signIn(app.url, "trader1");
    const ctl = simControl(app.sim.url);
    await waitFor(async () => {
      const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie } });
      const body = (await res.json()) as { rows: { id: string; status: string }[] };
      return body.rows.find((r) => r.id === ROW)?.status === "frozen";
    });
    const stream = readStream(cookie);
    await waitFor(() => stream.text.includes("event: snapshot"));

    await ctl.fault({ path: "/eapi/v1/mmpReset", kind: "latency", ms: 2000 });
    const key = `shutdown-${Date.now()}`;
    const reset = fetch(`${app.url}/api/mmp/reset`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url, cookie },
      body: JSON.stringify({ accountId: "bn-main", scope: "BTCUSDT", idempotencyKey: key }),
    });
    // The reset is at the venue: its `requested` row is written.
    await waitFor(() => auditOutcomes(key).includes("requested"), 10_000, 20);

    const exited = app.exited!();
    const signalledAt = Date.now();
    process.kill(app.pid!, "SIGTERM");

    // Draining: what is new is refused, with when to come back.
    await waitFor(() => stream.ended, 5000, 20);
    const late = await fetch(`${app.url}/api/stream`, { headers: { cookie } });
    expect(late.status).toBe(503);
    expect(Number(late.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe("shutting_down");
    const lateReset = await fetch(`${app.url}/api/mmp/reset`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url, cookie },
      body: JSON.stringify({
        accountId: "bn-main",
        scope: "ETHUSDT",
        idempotencyKey: `${key}-late`,
      }),
    });
    expect(lateReset.status).toBe(503);

    // The reset in flight is answered as usual.
    const answer = await reset;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { outcome: string }).outcome).toBe("ok");

    // The stream's last message: a `retry:` hint and the `shutdown` event.
    expect(stream.text).toMatch(
      /retry: \d+\nevent: shutdown\ndata: \{"reason":"shutdown","retryMs":\d+\}\n\n$/,
    );

    const { code, signal } = await exited;
    const tookMs = Date.now() - signalledAt;
    console.log(`SIGTERM → exit in ${tookMs} ms (code ${code}, signal ${signal})`);
    expect(tookMs).toBeLessThan(10_000);
    expect(code).toBe(0);
    // The post-reset read is work the shutdown waits for: its `observed` row is there too.
    expect(auditOutcomes(key)).toEqual(["requested", "ok", "observed"]);
    expect(auditOutcomes(`${key}-late`)).toEqual([]);
    expect((await ctl.log({ path: "/eapi/v1/mmpReset" })).length).toBe(1);
  }, 60_000);
});
