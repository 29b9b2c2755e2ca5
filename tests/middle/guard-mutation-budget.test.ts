import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedRead, guardedReset, type GuardTarget } from "@/lib/venues/guard";
import { sendVenueRequest } from "@/lib/venues/http";
import { fakeClock, rejection, testGuard } from "./guard-fixtures";

// A venue that limits its mutating endpoints apart from its reads (mmp-reset has its own limit):
// a reset draws on that budget, so polls that used up the read budget never make it wait.

let server: Server;
let url = "";

beforeAll(async () => {
  server = createServer((_req, res) => res.end("{}"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const call = (mutation: boolean) => () =>
  sendVenueRequest({ method: "POST", url, headers: {}, body: "{}", timeoutMs: 2000, mutation });

function account(mutationLimit?: GuardTarget["mutationLimit"]): GuardTarget {
  return {
    accountId: "a",
    venue: "bybit",
    baseUrl: url,
    limit: { perSecond: 1, burst: 2 },
    ...(mutationLimit ? { mutationLimit } : {}),
  };
}

/** Polls take the read budget down to its reserve, then the reserve goes too (a reset's refresh). */
async function drainReads(t: GuardTarget, deps: ReturnType<typeof testGuard>) {
  await guardedRead(t, 0, call(false), "read", deps);
  await guardedReset(t, call(false), deps);
}

describe("a venue with its own budget for mutations", () => {
  it("sends a reset at once while the read budget is empty", async () => {
    const clock = fakeClock();
    const deps = testGuard(clock);
    const t = account({ perSecond: 3, burst: 2 });
    await drainReads(t, deps);
    expect((await rejection(guardedRead(t, 0, call(false), "read", deps))).kind).toBe(
      "rate_limited",
    );
    await guardedReset(t, call(true), deps);
    await guardedReset(t, call(true), deps);
    expect(clock.slept).toEqual([]);
    // …within that budget: a third reset in the same instant waits for its refill (1/3 s).
    await guardedReset(t, call(true), deps);
    expect(clock.slept).toEqual([334]);
  });

  it("without one, the reset waits for the shared budget to refill (our own refusal blocks nothing)", async () => {
    const clock = fakeClock();
    const deps = testGuard(clock);
    const t = account();
    await drainReads(t, deps);
    // Our own budget refused a poll: the venue said nothing, so the key is not blocked.
    await rejection(guardedRead(t, 0, call(false), "read", deps));
    await guardedReset(t, call(true), deps);
    expect(clock.slept).toEqual([1000]);
  });
});
