import "server-only";
import { singleton } from "@/lib/server/singleton";
import { ApiError } from "@/lib/api/errors";

// In-process idempotency and per-row mutual exclusion for resets. A repeated idempotency key
// replays the first answer (the same promise) without a second venue call; a second reset of a
// row while one is in flight is refused with "already in progress".

interface Remembered<T> {
  fingerprint: string;
  result: Promise<T>;
  at: number;
}

const KEY_TTL_MS = 15 * 60_000;
const byKey = singleton("reset-idempotency", () => new Map<string, Remembered<unknown>>());
const inFlightRows = singleton("reset-in-flight", () => new Set<string>());

function sweep(now: number) {
  for (const [key, value] of byKey) if (now - value.at > KEY_TTL_MS) byKey.delete(key);
}

export function runOnce<T>(key: string, fingerprint: string, run: () => Promise<T>): Promise<T> {
  const now = Date.now();
  sweep(now);
  const seen = byKey.get(key) as Remembered<T> | undefined;
  if (seen) {
    if (seen.fingerprint !== fingerprint) {
      return Promise.reject(
        new ApiError(
          422,
          "idempotency_key_reused",
          "this idempotency key was used for another reset",
        ),
      );
    }
    return seen.result;
  }
  const result = run();
  byKey.set(key, { fingerprint, result, at: now });
  return result;
}

export async function withRowLock<T>(rowId: string, run: () => Promise<T>): Promise<T> {
  if (inFlightRows.has(rowId)) {
    throw new ApiError(409, "reset_in_progress", "a reset of this row is already in progress");
  }
  inFlightRows.add(rowId);
  try {
    return await run();
  } finally {
    inFlightRows.delete(rowId);
  }
}
