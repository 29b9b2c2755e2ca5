import { describe, expect, it } from "vitest";
import { pacedPause } from "@/lib/audit/background";

// The background verifier's pacing (lib/audit/background.ts): after a chunk it leaves the event
// loop alone in proportion to the time the chunk took, so a long full pass never holds requests
// up for more than one chunk at a time.
describe("pacedPause", () => {
  it("waits twice the work since the last pause at a one-third share, and caps what counts as work", async () => {
    let now = 0;
    const waits: number[] = [];
    const pause = pacedPause(
      1 / 3,
      () => now,
      (ms) => {
        waits.push(ms);
        now += ms;
        return Promise.resolve();
      },
    );
    await pause(); // the first pause of a pass: no work measured yet
    now += 12; // a chunk took 12 ms
    await pause();
    now += 5;
    await pause();
    now += 10_000; // idle until the next pass: not work
    await pause();
    expect(waits.map((w) => Math.round(w))).toEqual([0, 24, 10, 100]);
  });
});
