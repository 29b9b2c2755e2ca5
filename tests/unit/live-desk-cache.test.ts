import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QueryClient, replaceEqualDeep } from "@tanstack/react-query";
import type { DeskSnapshot, MmpRow, TriggerHistory } from "@/lib/model/types";
import { applyAccountUpdate, deskCache, withRow } from "@/lib/client/desk-cache";
import { mmpKeys, snapshotQueryOptions } from "@/lib/client/queries";
import { T, row, snapshot } from "./live-fixtures";

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

describe("withRow", () => {
  const snapshot = {
    serverTime: T,
    demo: false,
    rows: [row({ id: "a" }), row({ id: "b" })],
    pollIntervalMs: 2000,
    staleAfterMs: 6000,
  };
  it("replaces the row with the same id and keeps the other row objects", () => {
    const next = withRow(snapshot, row({ id: "b", status: "frozen", fetchedAt: T + 1 }));
    expect(next?.rows[1]?.status).toBe("frozen");
    expect(next?.rows[0]).toBe(snapshot.rows[0]);
    expect(next?.serverTime).toBe(T);
  });
  it("ignores unknown ids and rows older than the cached one", () => {
    expect(withRow(snapshot, row({ id: "zzz" }))).toBeUndefined();
    expect(withRow(snapshot, row({ id: "a", fetchedAt: T - 1 }))).toBeUndefined();
  });
});

describe("desk cache writer", () => {
  const { queryKey } = snapshotQueryOptions();
  const history: TriggerHistory = { events: [], buckets: [] };
  let client: QueryClient;
  const cached = () => client.getQueryData<DeskSnapshot>(queryKey);
  const updatedAt = () => client.getQueryState(queryKey)?.dataUpdatedAt;
  const snapshotInvalidated = () => client.getQueryState(queryKey)?.isInvalidated;
  const historyInvalidated = () => client.getQueryState(mmpKeys.deskHistory())?.isInvalidated;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T + 10_000);
    client = new QueryClient();
    client.setQueryData(queryKey, snapshot([row({ id: "a/BTC", status: "frozen" })]), {
      updatedAt: 1_000,
    });
    client.setQueryData(mmpKeys.deskHistory(), history);
  });
  afterEach(() => {
    client.clear();
    vi.useRealTimers();
  });

  it("is one writer per QueryClient", () => {
    expect(deskCache(client)).toBe(deskCache(client));
    expect(deskCache(new QueryClient())).not.toBe(deskCache(client));
  });

  it("never lets a reset's row overwrite a newer stream update", () => {
    const cache = deskCache(client);
    const streamed = row({ id: "a/BTC", status: "frozen", fetchedAt: T + 2_000 });
    cache.writeAccount({ accountId: "a", serverTime: T + 2_000, rows: [streamed] });
    cache.writeRow(row({ id: "a/BTC", status: "active", fetchedAt: T + 1_000 }));
    expect(cached()?.rows[0]).toEqual(streamed);
  });

  it("writes several account updates in one cache write, each in turn: an older one is still dropped", () => {
    const cache = deskCache(client);
    client.setQueryData(queryKey, snapshot([row({ id: "a/BTC" }), row({ id: "b/BTC" })]));
    let writes = 0;
    const unsubscribe = client.getQueryCache().subscribe((e) => {
      if (e.type === "updated" && e.action.type === "success") writes += 1;
    });
    const newer = row({ id: "a/BTC", status: "frozen", fetchedAt: T + 2_000 });
    cache.writeAccounts([
      { accountId: "a", serverTime: T + 2_000, rows: [newer] },
      { accountId: "b", serverTime: T + 2_100, rows: [row({ id: "b/BTC", fetchedAt: T + 2_100 })] },
      { accountId: "a", serverTime: T + 2_200, rows: [row({ id: "a/BTC", fetchedAt: T + 1_000 })] },
    ]);
    unsubscribe();
    expect(writes).toBe(1);
    expect(cached()?.rows[0]).toEqual(newer);
    expect(cached()?.rows[1]?.fetchedAt).toBe(T + 2_100);
    expect(cached()?.serverTime).toBe(T + 2_100);
  });

  it("moves dataUpdatedAt with serverTime only: an account update does, one row does not", () => {
    const cache = deskCache(client);
    cache.writeRow(row({ id: "a/BTC", status: "active", fetchedAt: T + 1_000 }));
    expect(cached()?.rows[0]?.status).toBe("active");
    expect(cached()?.serverTime).toBe(T);
    expect(updatedAt()).toBe(1_000);
    const read = row({ id: "a/BTC", fetchedAt: T + 2_000 });
    cache.writeAccount({ accountId: "a", serverTime: T + 2_000, rows: [read] });
    expect(cached()?.serverTime).toBe(T + 2_000);
    expect(updatedAt()).toBe(T + 10_000);
  });

  it("does not refetch the desk after a reset while the stream is live; the re-read refreshes the history", () => {
    const cache = deskCache(client);
    cache.setStreamLive(true);
    cache.resetSettled("a");
    vi.advanceTimersByTime(5_000);
    expect(snapshotInvalidated()).toBe(false);
    expect(historyInvalidated()).toBe(false);
    cache.writeAccount({ accountId: "b", serverTime: T + 1_000, rows: [row({ id: "b/BTC" })] });
    vi.advanceTimersByTime(5_000);
    expect(historyInvalidated()).toBe(false);
    const read = row({ id: "a/BTC", fetchedAt: T + 2_000 });
    cache.writeAccount({ accountId: "a", serverTime: T + 2_000, rows: [read] });
    vi.advanceTimersByTime(749);
    expect(historyInvalidated()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(historyInvalidated()).toBe(true);
    expect(snapshotInvalidated()).toBe(false);
  });

  it("refetches the desk at once after a reset while the stream is down", () => {
    const cache = deskCache(client);
    cache.resetSettled("a");
    expect(snapshotInvalidated()).toBe(true);
    vi.advanceTimersByTime(750);
    expect(historyInvalidated()).toBe(true);
  });

  it("coalesces history refreshes into one, a moment later", () => {
    const cache = deskCache(client);
    const invalidations = vi.spyOn(client, "invalidateQueries");
    cache.refreshHistory();
    vi.advanceTimersByTime(500);
    cache.refreshHistory();
    vi.advanceTimersByTime(749);
    expect(invalidations).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(invalidations).toHaveBeenCalledTimes(1);
    expect(invalidations).toHaveBeenCalledWith({ queryKey: mmpKeys.history() });
  });

  it("a stream snapshot wins over a poll that was in flight", async () => {
    const cache = deskCache(client);
    let answer: (s: DeskSnapshot) => void = () => {};
    const poll = client
      .fetchQuery({
        queryKey,
        queryFn: () => new Promise<DeskSnapshot>((resolve) => (answer = resolve)),
      })
      .catch(() => undefined);
    const pushed = snapshot([row({ id: "a/BTC", fetchedAt: T + 5_000 })], T + 5_000);
    cache.writeSnapshot(pushed);
    answer(snapshot([row({ id: "a/BTC", status: "frozen", fetchedAt: T + 1 })], T + 1));
    await poll;
    await vi.runAllTimersAsync();
    expect(cached()).toEqual(pushed);
  });

  it("tells row watchers about every change of the rows, with the rows before it", () => {
    const cache = deskCache(client);
    const seen: [readonly MmpRow[], readonly MmpRow[] | undefined][] = [];
    const stop = cache.watchRows((next, prev) => seen.push([next.rows, prev]));
    const before = cached()?.rows;
    cache.writeRow(row({ id: "a/BTC", status: "active", fetchedAt: T + 1_000 }));
    cache.writeRow(row({ id: "a/BTC", status: "frozen", fetchedAt: T }));
    stop();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[1]).toBe(before);
    expect(seen[0]?.[0][0]?.status).toBe("active");
  });
});
