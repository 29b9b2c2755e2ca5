"use client";

// Reset clicks across the whole page, for two guards against a click landing on the wrong row:
// - the second click of a double click is ignored, whichever row's button it lands on (a double
//   click on one row must never reset the next one, which a re-sort can have slid under the
//   pointer): a click within DOUBLE_CLICK_MS of an accepted one that the browser counts as part
//   of a multi-click (detail ≥ 2) or that lands within SAME_POINT_PX of it. A deliberate click on
//   another row's button (the pointer moved to it) still goes through;
// - the desk holds its row order while a reset is pending and for HOLD_AFTER_MS after the last
//   one settled (useHeldOrder), so the row the user aimed at stays where it was.
// Module state: there is one pointer and one desk per page.

export const DOUBLE_CLICK_MS = 600;
export const SAME_POINT_PX = 12;
export const HOLD_AFTER_MS = 1500;

/** Where and how a click happened (a keyboard activation has detail 0 and no point). */
export interface ClickFacts {
  at?: number;
  detail?: number;
  x?: number;
  y?: number;
}

let lastAcceptedAt = -Infinity;
let lastPoint: { x: number; y: number } | null = null;
let pending = 0;
let settledAt = -Infinity;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

/** True (and recorded) when a Reset click may go ahead; false for the second of a double click. */
export function acceptResetClick({
  at = performance.now(),
  detail = 1,
  x,
  y,
}: ClickFacts = {}): boolean {
  const point = x !== undefined && y !== undefined && detail > 0 ? { x, y } : null;
  if (at - lastAcceptedAt < DOUBLE_CLICK_MS) {
    const samePoint =
      point !== null &&
      lastPoint !== null &&
      Math.hypot(point.x - lastPoint.x, point.y - lastPoint.y) <= SAME_POINT_PX;
    if (detail >= 2 || samePoint) return false;
  }
  lastAcceptedAt = at;
  lastPoint = point;
  return true;
}

export function resetStarted(): void {
  pending += 1;
  notify();
}

export function resetSettled(now = performance.now()): void {
  pending = Math.max(0, pending - 1);
  settledAt = now;
  notify();
  // Once more when the hold ends, so holders re-check.
  setTimeout(notify, HOLD_AFTER_MS + 10);
}

/** Whether the desk should hold its order now because of resets. */
export function resetHold(now = performance.now()): boolean {
  return pending > 0 || now - settledAt < HOLD_AFTER_MS || now - lastAcceptedAt < HOLD_AFTER_MS;
}

export function subscribeResetActivity(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tests: forget every click. */
export function resetActivityForTests(): void {
  lastAcceptedAt = -Infinity;
  lastPoint = null;
  pending = 0;
  settledAt = -Infinity;
}
