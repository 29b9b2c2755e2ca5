import "server-only";
import { hub } from "@/lib/live/hub";
import type { AccountUpdate, DeskSnapshot, RowTransition } from "@/lib/model/types";

// One browser's server-sent-events stream: a snapshot, then every account update and transition
// from the hub. Pings keep proxies from closing it; a client that stops reading (more than
// MAX_QUEUED messages behind) is dropped rather than buffered without bound; and every stream is
// closed after a while so the browser reconnects and is authenticated afresh.

const PING_MS = 15_000;
const MAX_QUEUED = 2000;
const MAX_AGE_MS = 10 * 60_000;
const encoder = new TextEncoder();

export function eventStream(
  snapshot: DeskSnapshot,
  signal: AbortSignal,
  /** Called once the stream is open with the function that ends it; returns what to call when
   * it ends (the stream route watches the session with it: lib/auth/session-watch.ts). */
  watch: (stop: () => void) => () => void = () => () => undefined,
): ReadableStream<Uint8Array> {
  let cleanup: () => void = () => undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const write = (text: string) => {
        if (closed) return;
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED) return stop();
        controller.enqueue(encoder.encode(text));
      };
      const send = (event: string, data: unknown) =>
        write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const onAccount = (u: AccountUpdate) => send("account", u);
      const onTransition = (t: RowTransition) => send("transition", t);
      const ping = setInterval(() => write(": ping\n\n"), PING_MS);
      const maxAge = setTimeout(() => stop(), MAX_AGE_MS * (0.8 + Math.random() * 0.4));
      function stop() {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      }
      let unwatch: () => void = () => undefined;
      cleanup = () => {
        closed = true;
        unwatch();
        hub.off("account", onAccount);
        hub.off("transition", onTransition);
        clearInterval(ping);
        clearTimeout(maxAge);
        hub.streams -= 1;
        cleanup = () => undefined;
      };
      hub.streams += 1;
      write("retry: 1000\n\n");
      send("snapshot", snapshot);
      hub.on("account", onAccount);
      hub.on("transition", onTransition);
      signal.addEventListener("abort", stop, { once: true });
      unwatch = watch(stop);
    },
    cancel() {
      cleanup();
    },
  });
}
