import "server-only";
import WebSocket, { type RawData } from "ws";
import { clockOffset, ensureClock, syncClock } from "@/lib/venues/clock";
import { isVenueError } from "@/lib/venues/errors";
import type { AdapterContext, PushHandlers, PushSubscription } from "@/lib/venues/types";
import {
  HEARTBEAT_S,
  authResultSchema,
  deribitWsUrl,
  heartbeatSchema,
  incomingSchema,
  mmpChannel,
  rawText,
  signatureGrant,
  subscribedSchema,
  triggerOf,
  type AuthResult,
} from "@/lib/venues/deribit/push-messages";
import { clockKey, deribitServerTime } from "@/lib/venues/deribit/request";
import { RpcCalls } from "@/lib/venues/deribit/push-rpc";
import { DERIBIT_SCOPE_PATTERN, deribitScope, parseDeribitScope } from "@/lib/venues/deribit/scope";

// Deribit's MMP push channel: one websocket per subscription, authenticated with a
// client_signature (the secret never travels), subscribed to user.mmp_trigger.{index} for every
// index among the scopes. It reconnects by itself with jittered exponential backoff and
// re-authenticates and re-subscribes each time, until close(). REST polling stays the source of
// truth; a push only makes a freeze visible sooner.

/** The venue sends a test_request every HEARTBEAT_S; this much silence means a dead link. */
const SILENCE_MS = HEARTBEAT_S * 2500;
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 10_000;
/** Refresh the connection's token at this fraction of its lifetime. */
const REFRESH_AT = 0.8;
const MAX_TIMER_MS = 2 ** 31 - 1;

const describe = (err: unknown): string =>
  isVenueError(err) ? err.message : "Deribit: unexpected websocket answer";

class DeribitPush {
  private ws: WebSocket | null = null;
  private closing: Promise<void> | null = null;
  private connecting: Promise<void> | null = null;
  private attempt = 0;
  /** Why the current connection failed, for the status shown when it closes. */
  private failure: string | null = null;
  private connected = false;
  private lastStatus = "";
  private heartbeatOn = false;
  private readonly rpc: RpcCalls;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AdapterContext,
    private readonly channels: string[],
    private readonly scopes: ReadonlySet<string>,
    private readonly handlers: PushHandlers,
  ) {
    this.rpc = new RpcCalls(ctx.timeouts.readMs);
  }

  start(): void {
    this.connecting = this.connect();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private get closed(): boolean {
    return this.closing !== null;
  }

  private async connect(): Promise<void> {
    // The signature carries a timestamp; a failed sync is not fatal, the auth answer tells.
    await ensureClock(clockKey(this.ctx), () => deribitServerTime(this.ctx)).catch(() => null);
    if (this.closed) return;
    this.failure = null;
    let ws: WebSocket;
    try {
      ws = new WebSocket(deribitWsUrl(this.ctx.baseUrl), {
        handshakeTimeout: this.ctx.timeouts.readMs,
      });
    } catch (err) {
      this.retryLater(`Deribit websocket could not start: ${String(err)}`);
      return;
    }
    this.ws = ws;
    ws.on("open", () => void this.handshake(ws));
    ws.on("message", (raw) => this.onMessage(ws, raw));
    ws.on("error", (err) => {
      this.failure ??= `Deribit websocket error: ${err.message}`;
    });
    ws.on("close", (code) => this.onClose(ws, code));
  }

  private async handshake(ws: WebSocket): Promise<void> {
    try {
      const auth = authResultSchema.parse(
        await this.rpc.call(ws, "public/auth", signatureGrant(this.ctx)),
      );
      this.scheduleRefresh(ws, auth);
      const subscribed = subscribedSchema.parse(
        await this.rpc.call(ws, "private/subscribe", { channels: this.channels }),
      );
      await this.rpc.call(ws, "public/set_heartbeat", { interval: HEARTBEAT_S });
      this.heartbeatOn = true;
      this.touch(ws);
      this.attempt = 0;
      const refused = this.channels.filter((c) => !subscribed.includes(c));
      this.setStatus(
        true,
        refused.length > 0
          ? `subscribed to ${subscribed.join(", ")}; the venue refused ${refused.join(", ")}`
          : `subscribed to ${subscribed.join(", ")}`,
      );
    } catch (err) {
      if (ws !== this.ws || this.closed) return;
      if (isVenueError(err) && err.kind === "clock") {
        await syncClock(clockKey(this.ctx), () => deribitServerTime(this.ctx)).catch(() => null);
        if (ws !== this.ws || this.closed) return;
      }
      this.failure = describe(err);
      ws.terminate();
    }
  }

  private onMessage(ws: WebSocket, raw: RawData): void {
    if (ws !== this.ws) return;
    this.touch(ws);
    let json: unknown;
    try {
      json = JSON.parse(rawText(raw));
    } catch {
      return;
    }
    const msg = incomingSchema.safeParse(json);
    if (!msg.success) return;
    if (this.rpc.answer(msg.data)) return;
    const { method, params } = msg.data;
    if (method === "subscription") {
      this.onTrigger(params);
    } else if (
      method === "heartbeat" &&
      heartbeatSchema.safeParse(params).data?.type === "test_request"
    ) {
      // The venue closes a connection that does not answer its test_request.
      this.rpc.call(ws, "public/test", {}).catch(() => null);
    }
  }

  private onTrigger(params: unknown): void {
    const trigger = triggerOf(params, this.scopes, clockOffset(clockKey(this.ctx)), deribitScope);
    if (!trigger) return;
    try {
      this.handlers.onTrigger(trigger);
    } catch {
      // A consumer's bug must not tear down the venue connection.
    }
  }

  private onClose(ws: WebSocket, code: number): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.heartbeatOn = false;
    this.clearTimer("watchdog");
    this.clearTimer("refreshTimer");
    this.rpc.rejectAll();
    if (this.closed) return;
    this.retryLater(this.failure ?? `Deribit websocket closed (${code})`);
  }

  private retryLater(why: string): void {
    const delay = this.backoff();
    this.setStatus(false, `${why}; reconnecting in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connecting = this.connect();
    }, delay);
  }

  /** Silence watchdog, re-armed by every message once the venue's heartbeat is on. */
  private touch(ws: WebSocket): void {
    if (!this.heartbeatOn) return;
    this.clearTimer("watchdog");
    this.watchdog = setTimeout(() => {
      this.failure = `Deribit: no message for ${SILENCE_MS} ms`;
      ws.terminate();
    }, SILENCE_MS);
  }

  private scheduleRefresh(ws: WebSocket, auth: AuthResult): void {
    const refreshToken = auth.refresh_token;
    if (!refreshToken || auth.expires_in <= 0) return;
    this.clearTimer("refreshTimer");
    const delay = Math.min(MAX_TIMER_MS, Math.max(1000, auth.expires_in * 1000 * REFRESH_AT));
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.rpc
        .call(ws, "public/auth", { grant_type: "refresh_token", refresh_token: refreshToken })
        .then((r) => this.scheduleRefresh(ws, authResultSchema.parse(r)))
        .catch((err: unknown) => {
          if (ws !== this.ws) return;
          this.failure = `Deribit: token refresh failed: ${describe(err)}`;
          ws.terminate();
        });
    }, delay);
  }

  /** 250 ms doubling to 10 s, each delay jittered into its upper half. */
  private backoff(): number {
    const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(this.attempt, 10));
    this.attempt += 1;
    return Math.round(cap / 2 + (Math.random() * cap) / 2);
  }

  private setStatus(connected: boolean, detail: string): void {
    const key = `${connected} ${detail}`;
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.connected = connected;
    try {
      this.handlers.onStatus({ connected, detail });
    } catch {
      // As for triggers: the consumer's failure is not the connection's.
    }
  }

  private clearTimer(name: "reconnectTimer" | "watchdog" | "refreshTimer"): void {
    const timer = this[name];
    if (timer) clearTimeout(timer);
    this[name] = null;
  }

  private async shutdown(): Promise<void> {
    this.clearTimer("reconnectTimer");
    this.clearTimer("watchdog");
    this.clearTimer("refreshTimer");
    this.rpc.rejectAll();
    await this.connecting;
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once("close", () => resolve());
        ws.terminate();
      });
    }
    this.ws = null;
    if (this.connected) this.setStatus(false, "Deribit push subscription closed");
  }
}

export function subscribeDeribit(
  ctx: AdapterContext,
  scopes: string[],
  handlers: PushHandlers,
): PushSubscription {
  const valid = scopes.filter((s) => DERIBIT_SCOPE_PATTERN.test(s));
  const indexes = [...new Set(valid.map((s) => parseDeribitScope(s).index))].sort();
  // Nothing to watch: no connection at all rather than an idle one.
  if (indexes.length === 0) return { close: () => Promise.resolve() };
  const push = new DeribitPush(ctx, indexes.map(mmpChannel), new Set(valid), handlers);
  push.start();
  return { close: () => push.close() };
}
