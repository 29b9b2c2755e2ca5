import { describe, expect, it } from "vitest";
import { deskWarnings, venueProblems, warningText } from "@/lib/client/warnings";
import { endedByText, lastedText, chartSummary } from "@/lib/client/history-format";
import { fitRows } from "@/components/screen/fit-rows";
import { formatLocalTime } from "@/lib/model/format";
import type { TriggerEvent } from "@/lib/model/types";
import { T, row } from "./live-fixtures";

const base = {
  serverTime: T,
  pollIntervalMs: 1_000,
  pollError: null,
  problems: [],
  staleCount: 0,
  staleAfterMs: 5_000,
};

describe("desk warnings", () => {
  it("says nothing while live and healthy, nor during the grace after a loss", () => {
    expect(deskWarnings({ ...base, connection: { state: "live", lostAt: null } })).toEqual([]);
    expect(deskWarnings({ ...base, connection: { state: "reconnecting", lostAt: null } })).toEqual(
      [],
    );
  });

  it("says when the stream is down, from when the data is, and whether polling covers it", () => {
    const [w] = deskWarnings({ ...base, connection: { state: "polling", lostAt: 1 } });
    expect(warningText(w!, T)).toBe(
      "Live updates lost — reconnecting; showing data from 14:03:09 UTC (polling every 1 s meanwhile)",
    );
    const down = deskWarnings({
      ...base,
      pollError: new Error("the server could not be reached"),
      connection: { state: "reconnecting", lostAt: 1 },
    }).map((x) => warningText(x, T));
    expect(down).toEqual([
      "Live updates lost — reconnecting; showing data from 14:03:09 UTC",
      "Server not answering: the server could not be reached",
    ]);
  });

  it("names each account with a venue problem and counts stale rows", () => {
    const texts = deskWarnings({
      ...base,
      connection: { state: "live", lostAt: null },
      problems: [
        {
          accountId: "m",
          accountLabel: "Binance main",
          code: "unavailable",
          message: "venue unreachable",
        },
      ],
      staleCount: 3,
    }).map((x) => warningText(x, T));
    expect(texts).toEqual([
      "Venue problem: Binance main: venue unreachable",
      "3 rows are stale (no venue data for over 5 s) and shown as UNKNOWN",
    ]);
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

describe("trigger history words", () => {
  const ev = (over: Partial<TriggerEvent>): TriggerEvent => ({
    id: 1,
    rowId: "main/BTCUSDT",
    accountId: "main",
    venue: "binance",
    scope: "BTCUSDT",
    frozenAt: T,
    frozenUntil: null,
    endedAt: null,
    endedBy: null,
    resetBy: null,
    ...over,
  });

  it("says how each freeze ended and how long it lasted", () => {
    expect(endedByText(ev({ endedBy: "reset", resetBy: "trader1", endedAt: T + 90_000 }))).toBe(
      "reset by trader1",
    );
    expect(endedByText(ev({ endedBy: "expired", endedAt: T + 1 }))).toBe("expired");
    expect(endedByText(ev({ endedBy: "cleared", endedAt: T + 1 }))).toBe("cleared");
    expect(endedByText(ev({}))).toBe("still frozen");
    expect(lastedText(ev({ endedAt: T + 90_000 }), null)).toBe("1 min 30 s");
    expect(lastedText(ev({}), T + 5_400)).toBe("running 5 s");
  });

  it("summarises the 24 h chart in words", () => {
    const H = 3_600_000;
    const start = Date.UTC(2025, 4, 6, 0);
    const buckets = Array.from({ length: 24 }, (_, i) => ({ start: start + i * H, count: 0 }));
    expect(chartSummary(buckets, start)).toBe("No freezes in the last 24 hours.");
    buckets[14]!.count = 3;
    buckets[20]!.count = 1;
    expect(chartSummary(buckets, start)).toBe(
      "4 freezes in the last 24 hours; most in 14:00–15:00 UTC (3); latest in 20:00–21:00 UTC (1).",
    );
  });
});

describe("local time on hover", () => {
  it("formats in the runtime's zone with the zone named (valid Intl options)", () => {
    expect(formatLocalTime(T)).toMatch(/2025/);
    expect(formatLocalTime(T)).toMatch(/UTC|GMT|[A-Z]{2,5}|[+-]\d/);
  });
});

describe("wall screen capacity", () => {
  it("shows everything that fits, else the first rows and counts the rest by status", () => {
    const rows = Array.from({ length: 33 }, (_, i) =>
      row({ id: `a/S${i}`, status: i < 2 ? "frozen" : i < 31 ? "active" : "disabled" }),
    );
    expect(fitRows(rows.slice(0, 30)).rest.total).toBe(0);
    const fitted = fitRows(rows);
    expect(fitted.shown).toHaveLength(29);
    expect(fitted.shown.slice(0, 2).every((r) => r.status === "frozen")).toBe(true);
    expect(fitted.rest).toEqual({ total: 4, byStatus: { active: 2, disabled: 2 } });
  });
});
