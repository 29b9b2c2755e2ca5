import { describe, expect, it } from "vitest";
import {
  DESK_STALE_AFTER_MS,
  ROW_STALE_AFTER_MS,
  asStaleRow,
  deskStaleReason,
  isReadStale,
  isRowStale,
  isShownStale,
  isUpdateLate,
  pollIntervalOf,
  staleAfterOf,
  staleKey,
  withStaleness,
} from "@/lib/client/staleness";
import { SNAPSHOT_POLL_MS } from "@/lib/client/queries";
import { T, row } from "./live-fixtures";

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

describe("the desk's other staleness rules", () => {
  it("takes the server's limits, falling back where an answer lacks them (never NaN)", () => {
    expect(staleAfterOf({ staleAfterMs: 5_000 })).toBe(5_000);
    expect(staleAfterOf({ staleAfterMs: 0 })).toBe(ROW_STALE_AFTER_MS);
    expect(pollIntervalOf({ pollIntervalMs: 1_000 })).toBe(1_000);
    expect(pollIntervalOf({ pollIntervalMs: Number.NaN })).toBe(SNAPSHOT_POLL_MS);
    expect(pollIntervalOf(undefined)).toBe(SNAPSHOT_POLL_MS);
  });

  it("judges a data-age cell like its row", () => {
    expect(isReadStale(T, T + 5_000, 5_000)).toBe(false);
    expect(isReadStale(T, T + 5_001, 5_000)).toBe(true);
    expect(isReadStale(null, T + 60_000, 5_000)).toBe(false);
  });

  it("knows a shown row was replaced because it is stale", () => {
    const r = row({ id: "a/BTC" });
    expect(isShownStale(r)).toBe(false);
    expect(isShownStale(asStaleRow(r))).toBe(true);
  });

  it("calls the whole desk stale on a failed refresh, or when nothing landed for too long", () => {
    const desk = { error: null, dataUpdatedAt: T, fetching: false };
    expect(deskStaleReason(desk, T + DESK_STALE_AFTER_MS)).toBeNull();
    expect(deskStaleReason(desk, null)).toBeNull();
    expect(deskStaleReason(desk, T + DESK_STALE_AFTER_MS + 1)).toBe(
      "no new data for more than 10 s",
    );
    expect(deskStaleReason({ ...desk, fetching: true }, T + 60_000)).toBeNull();
    expect(deskStaleReason({ ...desk, error: new Error("boom") }, T)).toBe("boom");
  });

  it("calls the wall's last update late after three poll intervals", () => {
    expect(isUpdateLate(T, T + 3_000, 1_000)).toBe(false);
    expect(isUpdateLate(T, T + 3_001, 1_000)).toBe(true);
  });
});
