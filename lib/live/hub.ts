import "server-only";
import { EventEmitter } from "node:events";
import type { AccountUpdate, RowTransition } from "@/lib/model/types";
import { singleton } from "@/lib/platform/singleton";

// The in-process fan-out point: the monitor publishes once; lib/live/sse.ts listens once, turns
// each event into bytes once and queues them on every open stream. The number of streams never
// changes what is read upstream.

interface HubEvents {
  account: [AccountUpdate];
  transition: [RowTransition];
}

class Hub extends EventEmitter<HubEvents> {
  /** Open streams in this process (kept by lib/live/sse.ts; read by health and metrics). */
  streams = 0;
}

export const hub = singleton("live-hub", () => {
  const h = new Hub();
  h.setMaxListeners(0);
  return h;
});
