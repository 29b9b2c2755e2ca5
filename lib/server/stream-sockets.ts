import "server-only";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { singleton } from "@/lib/platform/singleton";

// A stream whose client stops reading is dropped by lib/live/sse.ts once its queue passes the
// byte cap, but its connection is another matter: Next writes into the socket until the kernel's
// buffers are full (several MB on loopback) and then waits for a 'drain' that never comes, and
// while that write waits the web-stream pipe cannot be aborted. Only closing the socket ends it,
// and only Node's HTTP server holds the socket. So every GET /api/stream socket gets Node's
// inactivity timeout of MMP_STREAM_STALL_MS: it fires only when nothing was written and no queued
// byte moved for that long (a client reading slowly keeps bytes moving; an idle stream writes a
// ping well within it), and a socket timing out with no 'timeout' listener is destroyed by the
// server. Node publishes each request with its socket on the documented `http.server.request.start`
// diagnostics channel, which is how an app under `next start` reaches it. When the response
// finishes, Node sets its keep-alive timeout on the socket in place of this one.

const STREAM_PATH = "/api/stream";

interface RequestStart {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
}

const isRequestStart = (m: unknown): m is RequestStart =>
  typeof m === "object" && m !== null && "request" in m && "response" in m && "socket" in m;

function onRequestStart(message: unknown): void {
  if (!isRequestStart(message)) return;
  const { request, response, socket } = message;
  if (request.method !== "GET" || request.url?.split("?")[0] !== STREAM_PATH) return;
  const stallMs = env().MMP_STREAM_STALL_MS;
  socket.setTimeout(stallMs);
  // Only says so: the HTTP server itself closes the socket (no listener on the request, the
  // response or the server).
  const onTimeout = () =>
    log.warn({ stallMs }, "stream connection closed: its client took nothing for too long");
  socket.once("timeout", onTimeout);
  response.once("close", () => socket.off("timeout", onTimeout));
}

/** Start-up (lib/server/start.ts): once per process. */
export function watchStreamSockets(): void {
  singleton("stream-sockets", () => {
    subscribe("http.server.request.start", onRequestStart);
    return true;
  });
}
