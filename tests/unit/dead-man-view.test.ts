import { describe, expect, it } from "vitest";
import { deadManView } from "@/lib/live/dead-man-view";
import type { VenueAccount } from "@/lib/venues/account";
import type { DeadManRead, VenueAdapter } from "@/lib/venues/types";

// What a row shows of the dead-man switch: per underlying where the venue arms it so, the
// account's otherwise; unknown (with why) when the last read failed; "not readable" where the
// venue cannot be read without changing it.
const T = Date.UTC(2026, 10, 30, 12);
const accountWith = (adapter: Partial<VenueAdapter>) =>
  ({ problem: null, adapter }) as unknown as VenueAccount;
const readable = accountWith({ readDeadMan: () => Promise.reject(new Error("unused")) });
const stored = (read: DeadManRead | null, problem: string | null = null) => ({
  read,
  fetchedAt: read ? T : null,
  problem,
});

describe("deadManView", () => {
  it("per underlying: armed with its countdown, or off when not listed", () => {
    const read: DeadManRead = {
      account: null,
      scopes: { BTCUSDT: { state: "armed", windowMs: 30_000 } },
      note: "countdown cancel-all",
    };
    expect(deadManView(readable, stored(read), "BTCUSDT")).toEqual({
      state: "armed",
      windowMs: 30_000,
      reach: "scope",
      note: "countdown cancel-all",
      fetchedAt: T,
    });
    expect(deadManView(readable, stored(read), "ETHUSDT")).toMatchObject({
      state: "off",
      reach: "scope",
    });
  });

  it("account-wide: the same on every row of the account", () => {
    const read: DeadManRead = {
      account: { state: "off", windowMs: null },
      scopes: null,
      note: "default for new connections",
    };
    expect(deadManView(readable, stored(read), "btc_usd")).toEqual({
      state: "off",
      windowMs: null,
      reach: "account",
      note: "default for new connections",
      fetchedAt: T,
    });
  });

  it("a failed or missing read is unknown, with why; an unreadable venue says so", () => {
    expect(deadManView(readable, stored(null), "X")).toMatchObject({
      state: "unknown",
      note: "not read yet",
    });
    const read: DeadManRead = {
      account: { state: "armed", windowMs: 10_000 },
      scopes: null,
      note: null,
    };
    expect(deadManView(readable, stored(read, "cannot read it: timeout"), "X")).toMatchObject({
      state: "unknown",
      note: "cannot read it: timeout",
    });
    expect(
      deadManView(accountWith({ deadManUnreadable: "no read endpoint" }), stored(null), "X"),
    ).toEqual({
      state: "not_readable",
      windowMs: null,
      reach: "account",
      note: "no read endpoint",
      fetchedAt: null,
    });
  });
});
