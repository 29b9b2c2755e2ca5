import { describe, expect, it } from "vitest";
import { firstPaint } from "@/lib/model/first-paint";
import { row, snapshot } from "./live-fixtures";

// The desk's first HTML: every row that needs a human, then enough others to fill a screen; the
// stream's first message brings the rest.

const rows = (n: number, status: "active" | "frozen" | "unknown", prefix: string) =>
  Array.from({ length: n }, (_, i) =>
    row({ id: `${prefix}/S${String(i).padStart(3, "0")}`, status }),
  );

describe("firstPaint", () => {
  it("sends a small desk whole", () => {
    const s = snapshot(rows(10, "active", "a"));
    expect(firstPaint(s, 20)).toBe(s);
  });

  it("cuts a long desk to the limit, frozen and unknown rows first, and says how many there are", () => {
    const s = snapshot([
      ...rows(30, "active", "a"),
      ...rows(2, "frozen", "b"),
      ...rows(1, "unknown", "c"),
    ]);
    const first = firstPaint(s, 10);
    expect(first.rows).toHaveLength(10);
    expect(first.rows.slice(0, 3).map((r) => r.status)).toEqual(["frozen", "frozen", "unknown"]);
    expect(first.totalRows).toBe(33);
  });

  it("never leaves out a row that needs a human, past the limit too", () => {
    const s = snapshot([...rows(30, "active", "a"), ...rows(15, "frozen", "b")]);
    const first = firstPaint(s, 10);
    expect(first.rows).toHaveLength(15);
    expect(first.rows.every((r) => r.status === "frozen")).toBe(true);
  });
});
