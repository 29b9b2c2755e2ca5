import "server-only";
import { stopMonitor } from "@/lib/live/monitor";
import { endAllStreams, openStreams } from "@/lib/live/sse";
import { beginStopping, unfinishedWork, workFinished } from "@/lib/platform/lifecycle";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// What SIGTERM (or SIGINT) does, in this order, all within HARD_STOP_MS:
// 1. the process is stopping: a new stream or reset is answered 503 with Retry-After; reads are
//    still served (a load balancer may still send some while it takes this process out);
// 2. every open stream gets a last `shutdown` event with a `retry:` hint and is closed; a client
//    that does not take it within STREAM_GRACE_MS is cut off;
// 3. the monitor stops polling the venues (and closes its push connections);
// 4. resets in flight (all work run through mustFinish, lib/platform/lifecycle.ts) finish and
//    write their result to the audit trail (at most DRAIN_MS after the signal; one still running
//    then is left to the reset reconciler at the next start: `unknown` + `resolved`);
// 5. Next's own handler closes the HTTP server (running requests finish, idle keep-alive
//    connections close) and exits.
// Why ours runs before Next's: Next's handler waits for every connection to end before exiting,
// and an open stream never ends by itself, so with a browser open SIGTERM did not stop the server;
// and a reset's client that gave up would not hold Next back from exiting mid-reset.
// Exit code: 0 when every reset in flight finished, 1 otherwise (also when the hard stop fires
// first). Next exits with 143 ("killed by SIGTERM") even after a clean stop, which supervisors
// such as systemd count as a failure, so the code is set again as the process exits.

const DRAIN_MS = 8000;
const HARD_STOP_MS = 9500;
const STREAM_GRACE_MS = 1000;
const MONITOR_STOP_MS = 1000;
/** After the last reset settles, its response is still being written: a moment for that, so
 * the connection is idle (and closed at once) when the HTTP server closes. */
const FLUSH_MS = 100;

type SignalName = "SIGTERM" | "SIGINT";
type Listener = (signal: NodeJS.Signals) => void;

const state = singleton("shutdown", () => ({ installed: false, started: false }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function within<T>(ms: number, work: Promise<T>): Promise<T | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function shutdown(signal: SignalName, next: Listener[]): Promise<void> {
  // A second signal (a shell passes Ctrl-C on to the whole process group) changes nothing.
  if (state.started) return;
  state.started = true;
  const started = Date.now();
  let clean = false;
  const exitCode = () => (clean ? 0 : 1);
  const hardStop = setTimeout(() => {
    log.error({ signal, ms: Date.now() - started }, "shutdown took too long: exiting now");
    process.exit(exitCode());
  }, HARD_STOP_MS);
  hardStop.unref();

  beginStopping();
  log.info(
    { signal, streams: openStreams(), resetsInFlight: unfinishedWork() },
    "shutting down: no new streams or resets; finishing what runs",
  );
  const streams = await endAllStreams(STREAM_GRACE_MS);
  const monitor = await within(
    MONITOR_STOP_MS,
    stopMonitor().catch((err: unknown) => log.warn({ err }, "monitor did not stop cleanly")),
  );
  if (monitor === "timeout") log.warn("monitor did not stop in time");
  clean = await workFinished(Math.max(0, DRAIN_MS - (Date.now() - started)));
  if (!clean)
    log.error(
      { resetsInFlight: unfinishedWork() },
      "shutdown: resets still running are abandoned; the next start reconciles them",
    );
  await sleep(FLUSH_MS);
  log.info(
    { signal, streams, clean, ms: Date.now() - started },
    "shutdown: handing over to the HTTP server",
  );

  process.once("exit", () => {
    process.exitCode = exitCode();
  });
  if (next.length === 0) process.exit(exitCode());
  for (const fn of next) fn(signal);
}

/**
 * Start-up (lib/server/start.ts): takes over SIGTERM and SIGINT. Handlers already registered
 * (Next's, which close its HTTP server) run after this process has drained.
 */
export function installShutdown(): void {
  if (state.installed) return;
  state.installed = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const next = process.listeners(signal) as Listener[];
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal, next));
  }
}
