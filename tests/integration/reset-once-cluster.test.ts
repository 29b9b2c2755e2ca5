import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@/simulator";
import type { SimHandle } from "@/simulator/types";
import { startAppUnderTest, type AppUnderTest } from "../support/app-server";
import { createPgDatabase, type TempPg } from "../support/databases";
import { fixtureAccount, simAccounts } from "../support/fixtures";
import { signIn } from "../support/session";
import { simControl } from "../support/sim-client";
import { waitFor } from "../support/wait";

// One freeze, one reset, across processes (issue 12, point 9). Two app processes on one
// PostgreSQL, each holding a fresh FROZEN read of the row; 20 resets of that row with different
// idempotency keys, split across both and spread over 200 ms so that some arrive after the first
// reset has finished and released the row lock. Exactly one may reach the venue: every other one
// must see that the row was reset after its read was taken (409 not_frozen after a re-read), or
// find the reset in flight (409 reset_in_progress).

const ROUNDS = 20;
const PER_ROUND = 20;
const ROW = { accountId: "bn-main", scope: "BTCUSDT" };
const RESET_PATH = "/eapi/v1/mmpReset";

let pgdb: TempPg;
let sim: SimHandle;
let a: AppUnderTest;
let b: AppUnderTest;
let ctl: ReturnType<typeof simControl>;

beforeAll(async () => {
  pgdb = await createPgDatabase();
  sim = await startSimulator({ accounts: simAccounts() });
  ctl = simControl(sim.url);
  [a, b] = await Promise.all([
    startAppUnderTest({ sim, databaseUrl: pgdb.url }),
    startAppUnderTest({ sim, databaseUrl: pgdb.url }),
  ]);
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await sim?.close();
  await pgdb?.drop();
});

const rowOn = async (app: AppUnderTest, cookie: string) => {
  const res = await fetch(`${app.url}/api/mmp`, { headers: { cookie } });
  const snapshot = (await res.json()) as {
    rows: { id: string; status: string; lastTriggerAt: number | null }[];
  };
  return snapshot.rows.find((r) => r.id === `${ROW.accountId}/${ROW.scope}`);
};

/** Binance's trigger time, on the app's clock (the simulator runs on this machine's clock, so
 * the app's offset estimate is within a few ms): this round's freeze, not an earlier one. */
const OFFSET_MARGIN_MS = 100;

describe("two processes on one PostgreSQL, one frozen row", () => {
  it(
    `${PER_ROUND} concurrent resets split across both, ${ROUNDS} times: exactly one venue reset each time`,
    { timeout: 150_000 },
    async () => {
      const apps = [a, b];
      const cookies = await Promise.all([signIn(a.url, "trader1"), signIn(b.url, "trader2")]);
      const perRound: number[] = [];
      const tally = new Map<string, number>();
      for (let round = 0; round < ROUNDS; round += 1) {
        const frozeAt = Date.now();
        await ctl.freeze(fixtureAccount(ROW.accountId).apiKey, ROW.scope);
        // Both processes hold a FROZEN read of this round's freeze (the leader polls frozen rows
        // every 500 ms and shares each read with the follower), so each would pass a freshness
        // check on its own. FROZEN alone is not enough: it can be a read of the last round's
        // freeze, and a read started before this one's may still land and show ACTIVE.
        await waitFor(async () => {
          const seen = await Promise.all(apps.map((app, i) => rowOn(app, cookies[i]!)));
          return seen.every(
            (r) => r?.status === "frozen" && (r.lastTriggerAt ?? 0) >= frozeAt - OFFSET_MARGIN_MS,
          );
        }, 10_000);
        await ctl.clearLog();
        const messages: string[] = [];
        const answers = await Promise.all(
          Array.from({ length: PER_ROUND }, async (_, i) => {
            await new Promise((r) => setTimeout(r, i * 10));
            const app = apps[i % 2]!;
            const res = await fetch(`${app.url}/api/mmp/reset`, {
              method: "POST",
              headers: {
                "content-type": "application/json",
                origin: app.url,
                cookie: cookies[i % 2]!,
              },
              body: JSON.stringify({ ...ROW, idempotencyKey: `once-${round}-${i}-${Date.now()}` }),
            });
            const body = (await res.json()) as { error?: { code: string; message: string } };
            if (body.error)
              messages.push(`${res.status} ${body.error.code}: ${body.error.message}`);
            return `${res.status}${body.error ? ` ${body.error.code}` : ""}`;
          }),
        );
        for (const a of answers) tally.set(a, (tally.get(a) ?? 0) + 1);
        const sent = (await ctl.log({ path: RESET_PATH })).length;
        perRound.push(sent);
        // Every other one found the reset in flight, or the row no longer frozen.
        // On failure the message names every refusal's reason (the diff alone truncates them).
        expect({ round, sent, answers: [...answers].sort() }, messages.join("\n")).toEqual({
          round,
          sent: 1,
          answers: [
            "200",
            ...answers
              .filter((a) => a !== "200")
              .map(() => expect.stringMatching(/^409 (reset_in_progress|not_frozen)$/) as string),
          ],
        });
      }
      console.log(
        `venue resets per round: ${perRound.join(" ")}; answers ${JSON.stringify(Object.fromEntries(tally))}`,
      );
    },
  );
});
