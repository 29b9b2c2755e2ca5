import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveAccounts } from "@/lib/config/load";
import { readAccountNow } from "@/lib/live/account-state";
import { resolveVenueAccount, type VenueAccount } from "@/lib/venues/account";
import { fixtureConfig, fixtureEnv } from "../support/fixtures";
import { SETTINGS, newKey, startResetBench, type ResetBench } from "./reset-bench";

// Issue 12, point 8: an account whose config names no scopes (the venue lists them). A
// well-formed scope the venue does not have used to cost two signed venue reads before the 404;
// once a read has listed the scopes, it is refused from that list with no venue call at all.

let bench: ResetBench;
let discovered: VenueAccount;

beforeAll(async () => {
  bench = await startResetBench({
    account: (id) => Promise.resolve(id === "bn-disc" ? discovered : null),
  });
  // bn-main's key and secret, under another id, without a scope list in the config.
  const config = fixtureConfig(bench.sim.url);
  const main = config.accounts.find((a) => a.id === "bn-main")!;
  const [account] = resolveAccounts(
    { ...config, accounts: [{ ...main, id: "bn-disc", scopes: undefined }] },
    fixtureEnv(),
  );
  discovered = resolveVenueAccount(account!, SETTINGS);
  expect(discovered.account.scopes).toBeUndefined();
});
afterAll(() => bench?.close());

describe("a reset of an account with discovered scopes", () => {
  it("an unknown scope is 404 from the listed scopes, with zero venue requests", async () => {
    await readAccountNow(discovered);
    await bench.ctl.clearLog();
    const res = await bench.post({
      accountId: "bn-disc",
      scope: "XRPUSDT",
      idempotencyKey: newKey(),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unknown_scope");
    expect(await bench.ctl.log()).toEqual([]);
  });

  it("a listed scope is still read afresh and reset", async () => {
    await bench.ctl.clearLog();
    const res = await bench.post({
      accountId: "bn-disc",
      scope: "BTCUSDT",
      idempotencyKey: newKey(),
    });
    expect(res.status).toBe(200);
    expect(await bench.venueResets()).toBe(1);
  });
});
