import { describe, expect, it } from "vitest";
import { frozeAgain } from "@/lib/model/row-status";
import { row, T } from "./live-fixtures";

// Whether a "Reset done" is old news beside a frozen row (issue 13): only a freeze that began
// after the reset counts, judged across two clocks (venue trigger time vs server answer time).
describe("frozeAgain", () => {
  const oldStart = T - 60_000;
  const answeredAt = T;
  const frozen = (since: number) =>
    row({ id: "main/BTCUSDT", status: "frozen", frozenSince: since });

  it("a freeze that began after the answer is new", () => {
    expect(frozeAgain(frozen(answeredAt + 5_000), answeredAt, oldStart)).toBe(true);
  });

  it("a freeze a few ms 'before' the answer (clock offset jitter) is still new", () => {
    expect(frozeAgain(frozen(answeredAt - 40), answeredAt, oldStart)).toBe(true);
  });

  it("a late read of the freeze that was reset is not new, jitter or not", () => {
    expect(frozeAgain(frozen(oldStart), answeredAt, oldStart)).toBe(false);
    expect(frozeAgain(frozen(oldStart + 30), answeredAt, oldStart)).toBe(false);
  });

  it("the old freeze began just before the click: its re-read is not new, a later one is", () => {
    const justBefore = answeredAt - 500;
    expect(frozeAgain(frozen(justBefore + 20), answeredAt, justBefore)).toBe(false);
    expect(frozeAgain(frozen(answeredAt + 100), answeredAt, justBefore)).toBe(true);
  });

  it("a freeze long before the answer is not new, and only frozen rows count", () => {
    expect(frozeAgain(frozen(answeredAt - 10_000), answeredAt, null)).toBe(false);
    const active = row({ id: "main/BTCUSDT", status: "active", frozenSince: answeredAt + 5_000 });
    expect(frozeAgain(active, answeredAt, oldStart)).toBe(false);
  });

  it("falls back to the venue's trigger time when no since is known", () => {
    const r = row({ id: "main/BTCUSDT", status: "frozen", lastTriggerAt: answeredAt + 1_000 });
    expect(frozeAgain(r, answeredAt, oldStart)).toBe(true);
  });
});
