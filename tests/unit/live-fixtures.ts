import type { DeskSnapshot, MmpRow } from "@/lib/model/types";

// Shared builders for the live-* unit tests.
export const T = Date.UTC(2025, 4, 6, 14, 3, 9); // 2025-05-06 14:03:09 UTC

export function row(over: Partial<MmpRow> & Pick<MmpRow, "id">): MmpRow {
  const [accountId = "main", scope = "BTCUSDT"] = over.id.split("/");
  return {
    accountId,
    accountLabel: accountId === "main" ? "Binance main" : accountId,
    venue: "binance",
    scope,
    status: "active",
    frozenUntil: null,
    windowMs: 5_000,
    frozenPeriodMs: 0,
    qtyLimit: "10",
    deltaLimit: null,
    vegaLimit: null,
    lastTriggerAt: null,
    fetchedAt: T,
    problem: null,
    ...over,
  };
}

export function snapshot(rows: MmpRow[], serverTime = T): DeskSnapshot {
  return { serverTime, demo: false, rows, pollIntervalMs: 1_000, staleAfterMs: 5_000 };
}
