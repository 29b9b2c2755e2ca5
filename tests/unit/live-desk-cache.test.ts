import { describe, expect, it } from "vitest";
import { replaceEqualDeep } from "@tanstack/react-query";
import {
  applyAccountUpdate,
  asStaleRow,
  isRowStale,
  staleKey,
  venueProblems,
  withStaleness,
} from "@/lib/client/live-reducer";
import {
  parseAccountUpdate,
  parseSnapshot,
  parseTransition,
} from "@/lib/client/stream-messages";
import { T, row, snapshot, transition } from "./live-fixtures";

describe("applyAccountUpdate", () => {
  const a1 = row({ id: "a/BTC" });
  const a2 = row({ id: "a/ETH" });
  const b1 = row({ id: "b/BTC" });
  const base = snapshot([a1, b1, a2]);

  it("replaces all of the account's rows in place and advances serverTime", () => {
    const fresh = row({ id: "a/BTC", status: "frozen", fetchedAt: T + 1_000 });
    const eth = row({ id: "a/ETH", fetchedAt: T + 1_000 });
    const next = applyAccountUpdate(base, {
      accountId: "a",
      serverTime: T + 1_100,
      rows: [fresh, eth],
    });
    expect(next?.rows.map((r) => r.id)).toEqual(["a/BTC", "b/BTC", "a/ETH"]);
    expect(next?.rows[0]?.status).toBe("frozen");
    expect(next?.serverTime).toBe(T + 1_100);
    expect(next?.rows[1]).toBe(b1);
  });

  it("puts an account's rows together when their number changed (a scope came or went)", () => {
    const fresh = row({ id: "a/BTC", fetchedAt: T + 1_000 });
    const next = applyAccountUpdate(base, { accountId: "a", serverTime: T, rows: [fresh] });
    expect(next?.rows.map((r) => r.id)).toEqual(["a/BTC", "b/BTC"]);
  });

  it("appends the rows of an account the snapshot did not have", () => {
    const c = row({ id: "c/SOL" });
    const next = applyAccountUpdate(base, { accountId: "c", serverTime: T, rows: [c] });
    expect(next?.rows.map((r) => r.id)).toEqual(["a/BTC", "b/BTC", "a/ETH", "c/SOL"]);
  });

  it("ignores an update older than what the cache holds (never steps back in time)", () => {
    const old = row({ id: "a/BTC", status: "frozen", fetchedAt: T - 1 });
    expect(
      applyAccountUpdate(base, { accountId: "a", serverTime: T, rows: [old] }),
    ).toBeUndefined();
  });

  it("never moves serverTime backwards", () => {
    const next = applyAccountUpdate(base, {
      accountId: "a",
      serverTime: T - 500,
      rows: [row({ id: "a/BTC" }), row({ id: "a/ETH" })],
    });
    expect(next?.serverTime).toBe(T);
  });

  it("keeps unchanged rows' identity through structural sharing (as setQueryData does)", () => {
    const same = { ...a1 };
    const changed = { ...a2, status: "frozen" as const };
    const next = applyAccountUpdate(base, { accountId: "a", serverTime: T, rows: [same, changed] });
    if (!next) throw new Error("expected an update");
    const shared = replaceEqualDeep(base, next);
    expect(shared.rows[0]).toBe(a1);
    expect(shared.rows[1]).toBe(b1);
    expect(shared.rows[2]).not.toBe(a2);
    expect(shared.rows[2]?.status).toBe("frozen");
  });
});

describe("staleness", () => {
  const fresh = row({ id: "a/BTC", fetchedAt: T });
  const never = row({ id: "a/ETH", fetchedAt: null, status: "unknown" });

  it("is stale strictly after staleAfterMs on the server clock", () => {
    expect(isRowStale(fresh, T + 5_000, 5_000)).toBe(false);
    expect(isRowStale(fresh, T + 5_001, 5_000)).toBe(true);
    expect(isRowStale(never, T + 60_000, 5_000)).toBe(false);
  });

  it("keys the stale set so it only changes when a row crosses the line", () => {
    const rows = [fresh, row({ id: "b/BTC", fetchedAt: T + 3_000 })];
    expect(staleKey(rows, T + 4_000, 5_000)).toBe("");
    expect(staleKey(rows, T + 6_000, 5_000)).toBe("a/BTC\n");
    expect(staleKey(rows, T + 9_000, 5_000)).toBe("a/BTC\nb/BTC\n");
  });

  it("shows a stale row as UNKNOWN with 'stale' and its last read, keeping the venue's reason", () => {
    const frozen = row({
      id: "a/BTC",
      status: "frozen",
      fetchedAt: T,
      problem: { code: "unavailable", message: "connection dropped" },
    });
    const shown = asStaleRow(frozen);
    expect(shown.status).toBe("unknown");
    expect(shown.problem?.code).toBe("stale");
    expect(shown.problem?.message).toBe(
      "stale: last read from the venue 14:03:09 UTC — connection dropped",
    );
  });

  it("replaces only stale rows, with a stable replacement per row object", () => {
    const other = row({ id: "b/BTC" });
    const cache = new WeakMap();
    const rows = [fresh, other];
    expect(withStaleness(rows, new Set(), cache)).toBe(rows);
    const once = withStaleness(rows, new Set(["a/BTC"]), cache);
    const twice = withStaleness(rows, new Set(["a/BTC"]), cache);
    expect(once[0]?.status).toBe("unknown");
    expect(once[1]).toBe(other);
    expect(twice[0]).toBe(once[0]);
  });
});

describe("venueProblems", () => {
  it("lists accounts with an account-wide problem once, by label, and skips scope-level ones", () => {
    const rows = [
      row({ id: "z/BTC", accountLabel: "Zeta", problem: { code: "unavailable", message: "down" } }),
      row({ id: "z/ETH", accountLabel: "Zeta", problem: { code: "unavailable", message: "down" } }),
      row({
        id: "m/BTC",
        accountLabel: "Alpha",
        problem: { code: "misconfigured", message: "env" },
      }),
      row({ id: "d/BTC", accountLabel: "Delta", problem: { code: "not_enabled", message: "off" } }),
      row({ id: "r/BTC", accountLabel: "Rho", problem: { code: "rate_limited", message: "429" } }),
      row({ id: "n/BTC", accountLabel: "Nu", problem: { code: "not_read", message: "not yet" } }),
      row({
        id: "g/BTC",
        accountLabel: "Gamma",
        problem: { code: "degraded", message: "breaker" },
      }),
    ];
    expect(venueProblems(rows).map((p) => `${p.accountLabel}: ${p.message}`)).toEqual([
      "Alpha: env",
      "Gamma: breaker",
      "Rho: 429",
      "Zeta: down",
    ]);
  });
});

describe("stream message parsing", () => {
  it("accepts well-formed messages and drops anything else", () => {
    const snap = snapshot([row({ id: "a/BTC" })]);
    expect(parseSnapshot(JSON.stringify(snap))).toEqual(snap);
    expect(parseSnapshot("{not json")).toBeNull();
    expect(parseSnapshot(JSON.stringify({ serverTime: 1, rows: [{ id: 1 }] }))).toBeNull();
    const update = { accountId: "a", serverTime: T, rows: [row({ id: "a/BTC" })] };
    expect(parseAccountUpdate(JSON.stringify(update))).toEqual(update);
    expect(parseAccountUpdate(JSON.stringify({ accountId: "a", rows: [] }))).toBeNull();
    const t = transition({ rowId: "a/BTC" });
    expect(parseTransition(JSON.stringify(t))).toEqual(t);
    expect(parseTransition(JSON.stringify({ ...t, to: "melted" }))).toBeNull();
  });
});
