import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

// Small HTTP helpers shared by the simulator core and every venue module. Venue handlers return a
// SimResponse value instead of writing to the socket, so a fault with apply:true can run the real
// handler for its side effect and then throw the answer away.

export interface SimRequest {
  method: string;
  /** Path without the query string, exactly as received. */
  path: string;
  /** Raw query string without "?", never decoded or re-ordered (signatures cover these bytes). */
  rawQuery: string;
  /** Raw body bytes as received. */
  body: Buffer;
  headers: IncomingHttpHeaders;
}

export interface SimResponse {
  status: number;
  /** Serialised with JSON.stringify unless it is already a string. */
  body: unknown;
  headers?: Record<string, string>;
  /** Venue error code carried in the body, for the request log; null on success. */
  venueCode: number | string | null;
}

const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Splits the request target without decoding it: "/a/b?x=1" → path "/a/b", rawQuery "x=1". */
export function splitTarget(url: string): { path: string; rawQuery: string } {
  const q = url.indexOf("?");
  return q < 0
    ? { path: url, rawQuery: "" }
    : { path: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

export function serialise(body: unknown): string {
  return typeof body === "string" ? body : JSON.stringify(body);
}

export function send(res: ServerResponse, r: Omit<SimResponse, "venueCode">): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(r.status, { "Content-Type": "application/json", ...r.headers });
  res.end(serialise(r.body));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, { status, body });
}

/** Control endpoints must only be reachable from this machine. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
