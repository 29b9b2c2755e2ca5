import { waitFor } from "./wait";

// A minimal server-sent-events client over fetch, for tests: collects every event it receives.

export interface SseEvent {
  event: string;
  data: unknown;
}

export interface SseClient {
  events: SseEvent[];
  status: number;
  close: () => void;
  /** True once the server ended the stream (or it failed); not set by close(). */
  readonly ended: boolean;
  waitForEvent: (match: (e: SseEvent) => boolean, timeoutMs?: number) => Promise<SseEvent>;
}

export async function openStream(url: string, cookie: string): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { cookie, accept: "text/event-stream" },
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  let ended = !res.ok;
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let cut: number;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) as unknown });
          }
        }
        ended = true;
      } catch {
        // aborted by close(), or the connection failed
        if (!abort.signal.aborted) ended = true;
      }
    })();
  }
  return {
    events,
    status: res.status,
    close: () => abort.abort(),
    get ended() {
      return ended;
    },
    waitForEvent: async (match, timeoutMs = 10_000) => {
      let found: SseEvent | undefined;
      await waitFor(() => Boolean((found = events.find(match))), timeoutMs, 20);
      return found!;
    },
  };
}
