import "server-only";
import { EventEmitter } from "node:events";
import type { AccountUpdate, RowTransition } from "@/lib/model/types";
import { singleton } from "@/lib/platform/singleton";

// The in-process fan-out point: the monitor publishes once, every open stream listens. The number
// of listeners never changes what is read upstream.

interface HubEvents {
  account: [AccountUpdate];
  transition: [RowTransition];
}

class Hub extends EventEmitter<HubEvents> {
  streams = 0;
}

export const hub = singleton("live-hub", () => {
  const h = new Hub();
  h.setMaxListeners(0);
  return h;
});
