import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type { SimCore, VenueProtocol } from "@/simulator/core";
import type { FaultDresser } from "@/simulator/faults";
import { serialise, splitTarget } from "@/simulator/http";
import {
  authenticateGrant,
  rpcEnvelope,
  tokenTtl,
  type DeribitTokens,
  type NonceLog,
  type RpcFailure,
} from "@/simulator/venues/deribit-auth";
import type { DeribitMatchingEngine } from "@/simulator/venues/deribit-credits";
import { cancelOnDisconnect, deribitForbidden } from "@/simulator/venues/deribit-deadman";

// Deribit's websocket (wss://host/ws/api/v2) on the simulator's own port: JSON-RPC public/auth,
// private/subscribe to user.mmp_trigger.{index_name}, heartbeats, the MMP trigger pushes, and the
// MMP (matching-engine) methods themselves.
// The upgrade request goes through the request log and fault rules like any HTTP request; each
// websocket message is logged with method "WS".

const DERIBIT_WS_PATH = "/ws/api/v2";
/** The venue refuses heartbeat intervals below 10 s. */
const MIN_HEARTBEAT_S = 10;
const CHANNEL = /^user\.mmp_trigger\.[a-z0-9]{2,15}_[a-z0-9]{2,15}$/;
/** Close code when an empty credit pool ends the session (1008: policy violation). */
const CREDITS_EXHAUSTED_CLOSE = 1008;

/** A protocol module that also serves websockets on the simulator's port. */
export interface SimWebsocketHub {
  readonly path: string;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Terminates every open websocket (clients see an abrupt drop); returns how many. */
  drop(): number;
  /** drop() plus pending upgrades; for the simulator's close(). */
  closeAll(): void;
}

export interface WebsocketHost {
  readonly websockets: SimWebsocketHub;
}

export function websocketHosts(core: SimCore): (VenueProtocol & WebsocketHost)[] {
  return core.protocols.filter((p): p is VenueProtocol & WebsocketHost => "websockets" in p);
}

/** The node:http 'upgrade' listener: hands each upgrade to the module serving its path. */
export function upgradeHandler(core: SimCore) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const { path } = splitTarget(req.url ?? "/");
    const host = websocketHosts(core).find((h) => h.websockets.path === path);
    if (host) return host.websockets.upgrade(req, socket, head);
    socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  };
}

export function closeWebsockets(core: SimCore): void {
  for (const host of websocketHosts(core)) host.websockets.closeAll();
}

/** user.mmp_trigger notification data, as the venue sends it. */
export interface DeribitTriggerData {
  index_name: string;
  mmp_group?: string;
  /** Venue-clock ms; 0 = frozen until a manual reset. */
  frozen_until: number;
}

export interface DeribitWsHub extends SimWebsocketHub {
  /** Pushes a trigger to every authenticated socket of that account subscribed to its index. */
  notify(apiKey: string, data: DeribitTriggerData): void;
}

interface Session {
  ws: WebSocket;
  apiKey: string | null;
  channels: Set<string>;
  heartbeat: NodeJS.Timeout | null;
  awaitingTest: boolean;
  /** The venue ended the session (10028): the answer goes out, then the socket closes. */
  ending: boolean;
}

type Answer = { result: unknown } | { error: RpcFailure };
type Params = Record<string, unknown>;

const invalid = (reason: string, param: string): Answer => ({
  error: { code: -32602, message: "Invalid params", data: { reason, param } },
});
const unauthenticated: Answer = {
  error: { code: 13009, message: "unauthorized", data: { reason: "public/auth first" } },
};

function rawText(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString("utf8");
  if (Array.isArray(raw)) return Buffer.concat(raw).toString("utf8");
  return Buffer.from(raw).toString("utf8");
}

function parseMessage(text: string): { id: unknown; method: string; params: Params } | null {
  try {
    const msg: unknown = JSON.parse(text);
    if (typeof msg !== "object" || msg === null || Array.isArray(msg)) return null;
    const m = msg as Record<string, unknown>;
    const params = m.params ?? {};
    if (typeof m.method !== "string" || typeof params !== "object" || params === null) return null;
    return { id: m.id, method: m.method, params: params as Params };
  } catch {
    return null;
  }
}

export function createDeribitWsHub(
  core: SimCore,
  deps: {
    tokens: DeribitTokens;
    nonces: NonceLog;
    dresser: FaultDresser;
    engine: DeribitMatchingEngine;
  },
): DeribitWsHub {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 });
  const sessions = new Set<Session>();
  const hanging = new Set<Duplex>();
  const now = () => core.now("deribit");

  const send = (s: Session, body: unknown) => {
    if (s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify(body));
  };

  const stopHeartbeat = (s: Session) => {
    if (s.heartbeat) clearInterval(s.heartbeat);
    s.heartbeat = null;
  };

  const startHeartbeat = (s: Session, intervalS: number) => {
    stopHeartbeat(s);
    s.awaitingTest = false;
    s.heartbeat = setInterval(() => {
      // As on the venue: a client that left the last test_request unanswered is cut off.
      if (s.awaitingTest) return s.ws.terminate();
      s.awaitingTest = true;
      send(s, { jsonrpc: "2.0", method: "heartbeat", params: { type: "test_request" } });
    }, intervalS * 1000);
  };

  /** The session's account, or the one an access_token param names (per-request auth). */
  const accountOf = (s: Session, params: Params, t: number): string | null => {
    if (s.apiKey) return s.apiKey;
    const token = params.access_token;
    s.apiKey = typeof token === "string" ? deps.tokens.accessKey(token, t) : null;
    return s.apiKey;
  };

  const channelsOf = (params: Params): string[] | null =>
    Array.isArray(params.channels) && params.channels.every((c) => typeof c === "string")
      ? (params.channels as string[])
      : null;

  function dispatch(s: Session, method: string, params: Params): Answer {
    const t = now();
    switch (method) {
      case "public/auth": {
        const out = authenticateGrant(params, { ...deps, state: core.state, now: t });
        if (!out.ok) return { error: out.failure };
        s.apiKey = out.account.apiKey;
        return { result: deps.tokens.issue(out.account.apiKey, t, tokenTtl(params.scope)) };
      }
      case "public/get_time":
        return { result: t };
      case "public/test":
        s.awaitingTest = false;
        return { result: { version: "1.2.26" } };
      case "public/set_heartbeat": {
        const interval = Number(params.interval);
        if (!Number.isFinite(interval) || interval < MIN_HEARTBEAT_S) {
          return invalid(`interval must be at least ${MIN_HEARTBEAT_S} seconds`, "interval");
        }
        startHeartbeat(s, interval);
        return { result: "ok" };
      }
      case "public/disable_heartbeat":
        stopHeartbeat(s);
        return { result: "ok" };
      case "private/subscribe":
      case "private/unsubscribe": {
        if (!accountOf(s, params, t)) return unauthenticated;
        const channels = channelsOf(params);
        if (!channels) return invalid("channels must be a list of strings", "channels");
        if (method === "private/unsubscribe") {
          const removed = channels.filter((c) => s.channels.delete(c));
          return { result: removed };
        }
        // Like the venue: unknown channels are left out of the answer, not rejected.
        const accepted = channels.filter((c) => CHANNEL.test(c));
        for (const c of accepted) s.channels.add(c);
        return { result: accepted };
      }
      case "private/get_cancel_on_disconnect":
      case "private/enable_cancel_on_disconnect":
      case "private/disable_cancel_on_disconnect": {
        const key = accountOf(s, params, t);
        const account = key ? core.state.account(key) : undefined;
        return account ? cancelOnDisconnect(method, params, account, "ws") : unauthenticated;
      }
      case "public/unsubscribe_all":
      case "private/unsubscribe_all":
        s.channels.clear();
        return { result: "ok" };
      default: {
        if (!deps.engine.handles(method)) {
          return { error: { code: -32601, message: "Method not found" } };
        }
        const key = accountOf(s, params, t);
        const account = key ? core.state.account(key) : undefined;
        if (!account) return unauthenticated;
        const out = deps.engine.call(account, method, params);
        s.ending = out.sessionEnds;
        return out.answer;
      }
    }
  }

  function onMessage(s: Session, raw: RawData): void {
    // Frames still in flight after the venue ended the session are never executed.
    if (s.ending) return;
    const text = rawText(raw);
    const entry = core.log.add({
      at: Date.now(),
      venue: "deribit",
      method: "WS",
      path: DERIBIT_WS_PATH,
      query: "",
      body: text,
      apiKey: s.apiKey,
    });
    const msg = parseMessage(text);
    const answer: Answer = msg
      ? dispatch(s, msg.method, msg.params)
      : { error: { code: -32700, message: "Parse error" } };
    entry.apiKey = s.apiKey;
    const what = msg ? deribitForbidden(msg.method) : null;
    if (what) {
      core.forbidden.record({
        at: entry.at,
        venue: "deribit",
        method: "WS",
        path: DERIBIT_WS_PATH,
        apiKey: s.apiKey,
        what,
      });
    }
    entry.status = 200;
    entry.venueCode = "error" in answer ? answer.error.code : null;
    send(s, rpcEnvelope(msg ? msg.id : null, answer, now()));
    // A clean close after the answer (ws flushes it first), so the client reads the 10028.
    if (s.ending) {
      stopHeartbeat(s);
      s.ws.close(CREDITS_EXHAUSTED_CLOSE, "too_many_requests");
    }
  }

  function open(ws: WebSocket): void {
    const s: Session = {
      ws,
      apiKey: null,
      channels: new Set(),
      heartbeat: null,
      awaitingTest: false,
      ending: false,
    };
    sessions.add(s);
    ws.on("message", (raw) => onMessage(s, raw));
    ws.on("error", () => ws.terminate());
    ws.on("close", () => {
      stopHeartbeat(s);
      sessions.delete(s);
    });
  }

  function answerRaw(socket: Duplex, status: number, body: string): void {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  return {
    path: DERIBIT_WS_PATH,

    upgrade(req, socket, head) {
      const { path, rawQuery } = splitTarget(req.url ?? "/");
      const entry = core.log.add({
        at: Date.now(),
        venue: "deribit",
        method: "GET",
        path,
        query: rawQuery,
        body: null,
        apiKey: null,
      });
      socket.on("error", () => socket.destroy());
      const accept = () =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          entry.status = 101;
          open(ws);
        });
      const rule = core.faults.take({ venue: "deribit", apiKey: null, method: "GET", path });
      if (!rule) return accept();
      entry.fault = rule.kind;
      switch (rule.kind) {
        case "latency":
          void core.sleep(rule.ms ?? 0).then(() => {
            if (core.isClosed || socket.destroyed) socket.destroy();
            else accept();
          });
          return;
        case "status": {
          const status = rule.status ?? 500;
          const body = rule.body ?? deps.dresser.faultBody(status);
          answerRaw(socket, status, serialise(body));
          entry.status = status;
          entry.venueCode = deps.dresser.codeOf(body);
          return;
        }
        case "bad-json":
          answerRaw(socket, 200, '{"');
          entry.status = 200;
          return;
        case "drop":
          socket.destroy();
          return;
        case "hang":
          hanging.add(socket);
          socket.once("close", () => hanging.delete(socket));
          return;
      }
    },

    notify(apiKey, data) {
      const channel = `user.mmp_trigger.${data.index_name}`;
      for (const s of sessions) {
        if (s.apiKey === apiKey && s.channels.has(channel)) {
          send(s, { jsonrpc: "2.0", method: "subscription", params: { channel, data } });
        }
      }
    },

    drop() {
      const open = [...sessions];
      for (const s of open) {
        stopHeartbeat(s);
        sessions.delete(s);
        s.ws.terminate();
      }
      return open.length;
    },

    closeAll() {
      this.drop();
      for (const socket of hanging) socket.destroy();
      hanging.clear();
      wss.close();
    },
  };
}
