import type { MmpRow } from "@/lib/model/types";

// A row's status as a freeze, in one place: the desk, the wall, the ordering and what the wall
// may leave out all ask the same two questions.

/** Unknown now (stale, or the venue stopped answering), but frozen when last read: it still
 * counts and sorts as a freeze (issue 13). */
export const wasFrozen = (row: MmpRow): boolean =>
  row.status === "unknown" && row.lastKnown === "frozen";

/** Frozen, or was when last read: never left off the wall. */
export const isFreeze = (row: MmpRow): boolean => row.status === "frozen" || wasFrozen(row);
