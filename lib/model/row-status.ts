import type { MmpRow } from "@/lib/model/types";

// A row's status as a freeze, in one place: the desk, the wall, the ordering and what the wall
// may leave out all ask the same two questions.

/** Unknown now (stale, or the venue stopped answering), but frozen when last read: it still
 * counts and sorts as a freeze (issue 13). */
export const wasFrozen = (row: MmpRow): boolean =>
  row.status === "unknown" && row.lastKnown === "frozen";

/** Frozen, or was when last read: never left off the wall. */
export const isFreeze = (row: MmpRow): boolean => row.status === "frozen" || wasFrozen(row);

/** When a frozen row's freeze began, as the desk shows it ("since"). */
export const freezeStart = (row: MmpRow): number | null => row.frozenSince ?? row.lastTriggerAt;

// A venue's trigger time reaches us shifted by the estimated clock offset, which moves by some
// milliseconds from read to read; the answer's time is the server's own clock. Comparing the two
// directly calls a freeze a few ms after the answer "before" it (seen under load in CI).
const CLOCK_SLACK_MS = 2_000;
// The same freeze read twice differs only by that jitter; a new one starts later than this.
const SAME_FREEZE_MS = 250;

/**
 * Whether a frozen row is a new freeze, begun after a reset that answered at `answeredAt`, when
 * the freeze being reset began at `startBefore`: then that reset's "done" is old news.
 * A read of the old freeze (the same start) never counts as new.
 */
export function frozeAgain(row: MmpRow, answeredAt: number, startBefore: number | null): boolean {
  const start = freezeStart(row);
  if (row.status !== "frozen" || start === null) return false;
  const afterAnswer = answeredAt - CLOCK_SLACK_MS;
  return (
    start >
    (startBefore === null ? afterAnswer : Math.max(afterAnswer, startBefore + SAME_FREEZE_MS))
  );
}
