"use client";

import { createContext, useContext, useState } from "react";
import { useNow } from "@/lib/client/use-now";

const DAY_MS = 86_400_000;
// Offsets measured from successive polls jitter by network latency; ignoring changes below this
// keeps the context value (and so every time cell) untouched by a routine poll.
const OFFSET_TOLERANCE_MS = 500;

// Times in the data are on the app server's clock; the browser's clock may be off by seconds or
// minutes. The desk measures the offset per snapshot (serverTime − the browser's Date.now() when
// that snapshot arrived) and countdowns add it to the browser clock. A context, not a prop, so
// the memoised rows do not re-render for it; only the time cells read it.
export interface ServerClock {
  /** Add to the browser's Date.now() to get the server's time. */
  offsetMs: number;
  /** Start of the server's current UTC day: the reference for "is this time today". */
  dayRefMs: number;
}

export const ServerClockContext = createContext<ServerClock>({ offsetMs: 0, dayRefMs: 0 });

/** Turns (serverTime, arrival time) into a clock value that changes only when it matters. */
export function useServerClockValue(serverTime: number, arrivedAt: number): ServerClock {
  const measured = serverTime - arrivedAt;
  const dayRefMs = Math.floor(serverTime / DAY_MS) * DAY_MS;
  const [clock, setClock] = useState<ServerClock>({ offsetMs: measured, dayRefMs });
  // Adjusting state while rendering (React's documented pattern for derived state) avoids an
  // extra commit with the old value.
  if (Math.abs(measured - clock.offsetMs) > OFFSET_TOLERANCE_MS || dayRefMs !== clock.dayRefMs) {
    setClock({ offsetMs: measured, dayRefMs });
  }
  return clock;
}

export function useServerClock(): ServerClock {
  return useContext(ServerClockContext);
}

/** Server-corrected now (epoch ms), ticking once a second; null until hydrated. */
export function useServerNow(): number | null {
  const now = useNow();
  const { offsetMs } = useServerClock();
  return now === null ? null : now + offsetMs;
}
