import "server-only";
import { randomBytes } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { singleton } from "@/lib/platform/singleton";

// The address of the connection a request came in on, for route handlers, which never see the
// socket. Next's own `x-forwarded-for` is no substitute: `next start` sets it from the socket only
// when the request has none (next/dist/server/base-server.js, handleRequestImpl:
// `req.headers['x-forwarded-for'] ??= originalRequest.socket.remoteAddress`), so a client that
// sends its own header replaces the peer address entirely, and the Request a route handler gets
// is built from the headers alone (NextRequestAdapter.fromNodeNextRequest).
//
// So the server process stamps every request with its socket's address as Node parses it: the
// `http.server.request.start` diagnostics channel is published, synchronously, before the server's
// 'request' event, hence before Next reads a header. The stamp carries a random per-process token
// that no client can know, so a stamp sent by a client (before the watch started, or in any
// other host) is ignored rather than believed.

/** The stamp's header: `<token> <address>`. */
const PEER_HEADER = "x-mmp-peer";
const CHANNEL = "http.server.request.start";

const token = singleton("peer-address-token", () => randomBytes(16).toString("hex"));

interface RequestStart {
  request: IncomingMessage;
  socket: Socket;
}

function stamp(message: unknown): void {
  // Node's documented message for this channel (https://nodejs.org/api/diagnostics_channel.html#http).
  const { request, socket } = message as RequestStart;
  request.headers[PEER_HEADER] = `${token} ${socket.remoteAddress ?? ""}`;
}

/** Starts stamping requests (once per process; instrumentation.ts calls it first thing).
 * Requests that arrived before it get no stamp: their address is unknown, never the header's. */
export function watchPeerAddresses(): void {
  singleton("peer-address-watch", () => {
    subscribe(CHANNEL, stamp);
    return true;
  });
}

/** The socket address of the request's connection, or null when this process did not stamp it. */
export function peerAddress(headers: Headers): string | null {
  const value = headers.get(PEER_HEADER);
  if (value === null) return null;
  const space = value.indexOf(" ");
  if (space < 0 || value.slice(0, space) !== token) return null;
  return value.slice(space + 1) || null;
}
