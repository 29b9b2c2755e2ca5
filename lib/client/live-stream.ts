// The browser end of GET /api/stream. EventSource retries by itself only after a dropped
// connection, and gives up for good on an HTTP error (401 after a restart, 502 from a proxy); it
// also cannot see the server's ": ping" comments. So every error closes it and this module
// reconnects on its own schedule (backoff.ts), and a watchdog treats a silent stream as dead.
// "Live" means a snapshot has arrived on the current connection: only then is the cache in sync.
// The server also sends `transition` events (for other consumers); the page ignores them: it
// detects freezes from the rows themselves (freeze-tracker.ts), which every update carries.
// A stream the server ends on purpose (`shutdown`: it is restarting; `dropped`: this client fell
// behind) says when to come back; that wait replaces the error backoff.
import type { AccountUpdate, DeskSnapshot } from "@/lib/model/types";
import { backoffDelay } from "@/lib/client/backoff";
import { parseAccountUpdate, parseSnapshot } from "@/lib/client/stream-messages";

export interface LiveStreamHandlers {
  onSnapshot(snapshot: DeskSnapshot): void;
  onAccount(update: AccountUpdate): void;
  /** true when a snapshot arrived on a connection; false whenever a connection (or an attempt)
   * fails, including attempts that never went live, so callers learn the stream is down. */
  onLiveChange(live: boolean): void;
}

export interface LiveStreamOptions {
  url?: string;
  /** No message at all for this long means the connection is dead even if the socket is open.
   * The server sends an `account` event after every poll of every account, so silence for many
   * poll intervals is not idleness. */
  silenceMs: () => number;
  /** A connection that has not delivered its snapshot within this time is retried. */
  connectTimeoutMs?: number;
  random?: () => number;
  createEventSource?: (url: string) => EventSource;
}

export interface LiveStream {
  close(): void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const MAX_SERVER_RETRY_MS = 60_000;

/** The `retryMs` of a `shutdown` or `dropped` event, within sane bounds; null if malformed. */
function parseRetryMs(data: unknown): number | null {
  if (typeof data !== "string") return null;
  try {
    const v: unknown = JSON.parse(data);
    const ms = typeof v === "object" && v !== null ? (v as { retryMs?: unknown }).retryMs : null;
    return typeof ms === "number" && Number.isFinite(ms)
      ? Math.min(Math.max(ms, 0), MAX_SERVER_RETRY_MS)
      : null;
  } catch {
    return null;
  }
}

export function openLiveStream(
  handlers: LiveStreamHandlers,
  options: LiveStreamOptions,
): LiveStream {
  const url = options.url ?? "/api/stream";
  const create = options.createEventSource ?? ((u: string) => new EventSource(u));
  let source: EventSource | null = null;
  let live = false;
  let attempt = 0;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;

  const setLive = (next: boolean) => {
    live = next;
    handlers.onLiveChange(next);
  };

  const arm = (ms: number) => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => fail(), ms);
  };

  /** Down now; connect again after `delay()` ms (asked only if a retry is not already due). */
  function dropAndRetry(delay: () => number): void {
    source?.close();
    source = null;
    clearTimeout(watchdog);
    setLive(false);
    if (closed || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect();
    }, delay());
  }

  function fail(): void {
    dropAndRetry(() => backoffDelay(attempt++, options.random));
  }

  // Ended by the server with a time to come back: spread over up to twice that, so that every
  // page of a desk does not return in the same instant.
  function endedByServer(retryMs: number): void {
    dropAndRetry(() => retryMs * (1 + (options.random ?? Math.random)()));
  }

  // A message proves the connection works; a malformed one is dropped, not trusted.
  const on = <T>(
    es: EventSource,
    name: string,
    parse: (data: unknown) => T | null,
    handle: (value: T) => void,
  ) =>
    es.addEventListener(name, (event) => {
      if (es !== source) return;
      const value = parse((event as MessageEvent<unknown>).data);
      if (value === null) return;
      if (live) arm(options.silenceMs());
      handle(value);
    });

  function connect(): void {
    if (closed) return;
    const es = create(url);
    source = es;
    arm(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    on(es, "snapshot", parseSnapshot, (snapshot) => {
      handlers.onSnapshot(snapshot);
      attempt = 0;
      setLive(true);
      arm(options.silenceMs());
    });
    // Before the snapshot the cache is not in sync with this connection: updates would be
    // applied to data of unknown age, and the snapshot replaces everything anyway.
    on(es, "account", parseAccountUpdate, (u) => live && handlers.onAccount(u));
    on(es, "shutdown", parseRetryMs, endedByServer);
    on(es, "dropped", parseRetryMs, endedByServer);
    es.onerror = () => {
      if (es === source) fail();
    };
  }

  // Back from a network loss: try at once instead of waiting out the backoff.
  const onOnline = () => {
    if (closed || live || retryTimer === undefined) return;
    clearTimeout(retryTimer);
    retryTimer = undefined;
    connect();
  };
  if (typeof window !== "undefined") window.addEventListener("online", onOnline);

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(watchdog);
      source?.close();
      source = null;
      if (typeof window !== "undefined") window.removeEventListener("online", onOnline);
    },
  };
}
