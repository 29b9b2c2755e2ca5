import "server-only";
import type WebSocket from "ws";
import { VenueError } from "@/lib/venues/errors";
import { deribitError, type DeribitErrorBody } from "@/lib/venues/deribit/errors";

// The outstanding JSON-RPC requests of one push connection, matched to answers by id. Every
// request times out, and all are rejected when the connection goes, so a handshake never waits
// on a dead socket.

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

export interface RpcAnswer {
  id?: number;
  result?: unknown;
  error?: DeribitErrorBody;
}

export class RpcCalls {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly timeoutMs: number) {}

  /** Resolves with the result; rejects with the venue's error, on timeout or on rejectAll(). */
  call(ws: WebSocket, method: string, params: object): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new VenueError("unavailable", `Deribit: no answer to ${method} in time`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }), (err) => {
        if (err) this.settle(id, (p) => p.reject(err));
      });
    });
  }

  /** Settles the request this message answers; false when it answers none (a notification). */
  answer(msg: RpcAnswer): boolean {
    if (msg.id === undefined || !this.pending.has(msg.id)) return false;
    const { error, result } = msg;
    this.settle(msg.id, (p) => (error ? p.reject(deribitError(error, false)) : p.resolve(result)));
    return true;
  }

  rejectAll(): void {
    for (const id of [...this.pending.keys()]) {
      this.settle(id, (p) => p.reject(new VenueError("unavailable", "Deribit: connection closed")));
    }
  }

  private settle(id: number, fn: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    fn(p);
  }
}
