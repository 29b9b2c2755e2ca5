import { afterEach, describe, expect, it, vi } from "vitest";
import type { MmpRow, ResetResult } from "@/lib/model/types";
import {
  formatAge,
  formatCountdown,
  formatDuration,
  formatFrozenPeriod,
  formatLimit,
  formatUtcTime,
} from "@/lib/model/format";
import { sortRows } from "@/lib/model/sort-rows";
import { describeResetError, describeResetResult } from "@/lib/client/reset-outcome";
import { RequestError, fetchJson } from "@/lib/client/queries";

const T = Date.UTC(2025, 4, 6, 14, 3, 9); // 2025-05-06 14:03:09 UTC

function row(over: Partial<MmpRow> & Pick<MmpRow, "id">): MmpRow {
  return {
    accountId: "main",
    accountLabel: "Main",
    venue: "binance",
    scope: "BTCUSDT",
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

describe("formatDuration", () => {
  it("uses the largest sensible unit", () => {
    expect(formatDuration(300)).toBe("300 ms");
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(5_000)).toBe("5 s");
    expect(formatDuration(1_500)).toBe("1.5 s");
    expect(formatDuration(300_000)).toBe("5 min");
    expect(formatDuration(90_000)).toBe("1 min 30 s");
    expect(formatDuration(7_200_000)).toBe("2 h");
    expect(formatDuration(5_400_000)).toBe("1 h 30 min");
  });
  it("says n/a when the venue has no such setting", () => {
    expect(formatDuration(null)).toBe("n/a");
  });
});

describe("formatFrozenPeriod and formatLimit", () => {
  it("reads 0 as frozen until manual reset", () => {
    expect(formatFrozenPeriod(0)).toBe("manual reset");
    expect(formatFrozenPeriod(60_000)).toBe("1 min");
    expect(formatFrozenPeriod(null)).toBe("n/a");
  });
  it("keeps the venue's decimal string and says n/a for null (never 0)", () => {
    expect(formatLimit("0.000123456789")).toBe("0.000123456789");
    expect(formatLimit("0")).toBe("0");
    expect(formatLimit(null)).toBe("n/a");
  });
});

describe("formatUtcTime", () => {
  it("shows HH:MM:SS in UTC on the same UTC day", () => {
    expect(formatUtcTime(T, T + 3_600_000)).toBe("14:03:09");
  });
  it("adds the date on another UTC day", () => {
    expect(formatUtcTime(T, T + 86_400_000)).toBe("2025-05-06 14:03:09");
    expect(formatUtcTime(Date.UTC(2025, 4, 5, 23, 59, 59), Date.UTC(2025, 4, 6, 0, 0, 1))).toBe(
      "2025-05-05 23:59:59",
    );
  });
});

describe("formatAge", () => {
  it("counts whole units and says never for null", () => {
    expect(formatAge(T - 3_400, T)).toBe("3 s ago");
    expect(formatAge(T - 5 * 60_000, T)).toBe("5 min ago");
    expect(formatAge(T - 2 * 3_600_000, T)).toBe("2 h ago");
    expect(formatAge(T - 3 * 86_400_000, T)).toBe("3 d ago");
    expect(formatAge(null, T)).toBe("never");
  });
  it("treats a read slightly in the future (clock skew) as just now", () => {
    expect(formatAge(T + 400, T)).toBe("0 s ago");
  });
});

describe("formatCountdown", () => {
  it("rounds up so a live freeze never reads 0 s", () => {
    expect(formatCountdown(4_200)).toBe("5 s");
    expect(formatCountdown(1)).toBe("1 s");
    expect(formatCountdown(59_001)).toBe("1 min 00 s");
    expect(formatCountdown(245_000)).toBe("4 min 05 s");
    expect(formatCountdown(2 * 3_600_000 + 3 * 60_000)).toBe("2 h 03 min");
  });
});

describe("sortRows", () => {
  it("puts frozen first, then unknown, active, disabled, then venue/account/scope", () => {
    const rows = [
      row({ id: "d", status: "disabled" }),
      row({ id: "a2", status: "active", venue: "okx", scope: "BTC-USD" }),
      row({ id: "a1", status: "active", venue: "bybit", scope: "ETH" }),
      row({ id: "u", status: "unknown" }),
      row({ id: "f2", status: "frozen", venue: "deribit", scope: "btc_usd" }),
      row({ id: "f1", status: "frozen", venue: "binance", accountLabel: "Main", scope: "ETHUSDT" }),
      row({ id: "f0", status: "frozen", venue: "binance", accountLabel: "Main", scope: "BTCUSDT" }),
      row({
        id: "fa",
        status: "frozen",
        venue: "binance",
        accountLabel: "Alpha",
        scope: "SOLUSDT",
      }),
    ];
    expect(sortRows(rows).map((r) => r.id)).toEqual(["fa", "f0", "f1", "f2", "u", "a1", "a2", "d"]);
  });
  it("sorts account labels numerically and does not mutate its input", () => {
    const rows = [
      row({ id: "x10", accountLabel: "MM 10" }),
      row({ id: "x2", accountLabel: "MM 2" }),
    ];
    expect(sortRows(rows).map((r) => r.id)).toEqual(["x2", "x10"]);
    expect(rows.map((r) => r.id)).toEqual(["x10", "x2"]);
  });
});

describe("reset outcome text", () => {
  const result: ResetResult = {
    outcome: "ok",
    message: "Row is active again",
    row: null,
    latencyMs: 80,
    serverTime: T,
  };
  it("reports done, and unknown with the server's message", () => {
    expect(describeResetResult(result)).toEqual({
      kind: "done",
      text: "Reset done at 14:03:09 UTC",
      detail: "Row is active again",
    });
    expect(
      describeResetResult({ ...result, outcome: "unknown", message: "still frozen after re-read" }),
    ).toMatchObject({
      kind: "unknown",
      text: "Outcome unknown: still frozen after re-read",
    });
  });
  it("says failed only when the server answered that nothing changed", () => {
    expect(
      describeResetError(
        new RequestError(502, "venue_rejected", "venue rejected the reset", "-1022"),
      ),
    ).toMatchObject({
      kind: "failed",
      text: "Failed: venue rejected the reset (venue code -1022)",
    });
    // The venue's code is said once, also when its message already carries it.
    expect(
      describeResetError(
        new RequestError(502, "venue_rejected", "OKX: rejected (51000): Parameter error", "51000"),
      ).text,
    ).toBe("Failed: OKX: rejected (51000): Parameter error");
    expect(describeResetError(new RequestError(409, "not_frozen", "not frozen")).kind).toBe(
      "failed",
    );
    expect(
      describeResetError(new RequestError(0, "network", "the server could not be reached")).kind,
    ).toBe("unknown");
    expect(
      describeResetError(new RequestError(500, "internal", "internal error", undefined, "c-1")),
    ).toMatchObject({
      kind: "unknown",
      detail: "ref c-1",
    });
    expect(describeResetError(new TypeError("boom")).kind).toBe("unknown");
    expect(
      describeResetError(new RequestError(504, "outcome_unknown", "venue timed out")).kind,
    ).toBe("unknown");
    expect(describeResetError(new RequestError(502, "venue_bad_response", "garbled")).kind).toBe(
      "unknown",
    );
    expect(describeResetError(new RequestError(503, "venue_unavailable", "venue down")).kind).toBe(
      "failed",
    );
  });
});

describe("fetchJson", () => {
  afterEach(() => vi.unstubAllGlobals());
  const stub = (impl: () => Promise<Response>) => vi.stubGlobal("fetch", vi.fn(impl));

  it("turns an ApiErrorBody into a typed RequestError, venue code included", async () => {
    const body = { error: { code: "venue_rejected", message: "rejected", venueCode: "-1022" } };
    stub(async () => Response.json(body, { status: 502 }));
    await expect(fetchJson("/x")).rejects.toMatchObject({
      status: 502,
      code: "venue_rejected",
      venueCode: "-1022",
    });
  });
  it("reports no answer as status 0, and a non-JSON answer as bad_response", async () => {
    stub(() => Promise.reject(new TypeError("Failed to fetch")));
    await expect(fetchJson("/x")).rejects.toMatchObject({ status: 0, code: "network" });
    stub(async () => new Response("<html>proxy</html>", { status: 504 }));
    await expect(fetchJson("/x")).rejects.toMatchObject({ status: 504, code: "bad_response" });
  });
  it("times out a hung request instead of waiting forever", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        (_url: string, init: RequestInit) =>
          new Promise<Response>((_, reject) =>
            init.signal?.addEventListener("abort", () =>
              reject(new DOMException("aborted", "AbortError")),
            ),
          ),
      ),
    );
    await expect(fetchJson("/x", { timeoutMs: 20 })).rejects.toMatchObject({
      status: 0,
      code: "timeout",
    });
  });
  it("returns the body of a 202 (outcome unknown) like a 200", async () => {
    stub(async () => Response.json({ outcome: "unknown" }, { status: 202 }));
    await expect(fetchJson("/x")).resolves.toEqual({ outcome: "unknown" });
  });
});
