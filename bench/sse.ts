import { request, type ClientRequest } from "node:http";

// A light server-sent-events client on node:http (one socket per stream, no JSON parsing unless
// asked), so a thousand of them fit next to the simulator in the bench process.

export interface StreamEvent {
  event: string;
  /** The raw `data:` line; parse it only where needed. */
  data: string;
  /** performance.now() when the chunk carrying the event arrived. */
  at: number;
}

export interface LiteStream {
  status: number;
  connected: boolean;
  events: number;
  accountEvents: number;
  /** Date.now() of the last event, 0 = none. */
  lastEventAt: number;
  close: () => void;
}

export function openLiteStream(
  url: string,
  cookie: string,
  onEvent?: (e: StreamEvent) => void,
  timeoutMs = 30_000,
): Promise<LiteStream> {
  return new Promise((resolve) => {
    let req: ClientRequest | null = null;
    const stream: LiteStream = {
      status: 0,
      connected: false,
      events: 0,
      accountEvents: 0,
      lastEventAt: 0,
      close: () => {
        stream.connected = false;
        req?.destroy();
      },
    };
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(stream);
    };
    const timer = setTimeout(() => {
      stream.close();
      settle();
    }, timeoutMs);
    req = request(
      url,
      { agent: false, headers: { cookie, accept: "text/event-stream" } },
      (res) => {
        stream.status = res.statusCode ?? 0;
        if (stream.status !== 200) {
          res.resume();
          settle();
          return;
        }
        stream.connected = true;
        settle();
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            if (!block.startsWith("event: ")) continue;
            const nl = block.indexOf("\n");
            const event = block.slice(7, nl < 0 ? undefined : nl);
            stream.events += 1;
            stream.lastEventAt = Date.now();
            if (event === "account") stream.accountEvents += 1;
            if (onEvent && nl >= 0) {
              const dataLine = block.slice(nl + 1);
              onEvent({ event, data: dataLine.startsWith("data: ") ? dataLine.slice(6) : "", at });
            }
          }
        });
        res.on("close", () => (stream.connected = false));
      },
    );
    req.on("error", () => {
      stream.connected = false;
      settle();
    });
    req.end();
  });
}

/** Opens `count` streams, `batch` at a time (each one is a signed-in request with a snapshot);
 * stops early, with fewer, once `deadline` (epoch ms) has passed. */
export async function openMany(
  count: number,
  batch: number,
  url: string,
  cookies: readonly string[],
  onEvent?: (index: number) => ((e: StreamEvent) => void) | undefined,
  deadline = Number.POSITIVE_INFINITY,
): Promise<LiteStream[]> {
  const streams: LiteStream[] = [];
  for (let i = 0; i < count && Date.now() < deadline; i += batch) {
    const n = Math.min(batch, count - i);
    streams.push(
      ...(await Promise.all(
        Array.from({ length: n }, (_, j) =>
          openLiteStream(url, cookies[(i + j) % cookies.length]!, onEvent?.(i + j)),
        ),
      )),
    );
  }
  return streams;
}
