import { openLiveStream } from "@/lib/client/live-stream";

// The live-stream unit tests' stand-in EventSource, driven by hand, and a stream opened on it
// that records what it tells the page.

export class FakeSource {
  static all: FakeSource[] = [];
  closed = false;
  onerror: (() => void) | null = null;
  private listeners = new Map<string, ((e: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    FakeSource.all.push(this);
  }
  addEventListener(name: string, fn: (e: { data: string }) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
  }
  emit(name: string, data: unknown) {
    for (const fn of this.listeners.get(name) ?? []) fn({ data: JSON.stringify(data) });
  }
  close() {
    this.closed = true;
  }
}

export function openTestStream(random = 0) {
  const calls: string[] = [];
  const stream = openLiveStream(
    {
      onSnapshot: () => calls.push("snapshot"),
      onAccount: () => calls.push("account"),
      onLiveChange: (live) => calls.push(live ? "live" : "down"),
    },
    {
      silenceMs: () => 30_000,
      random: () => random,
      createEventSource: (url) => new FakeSource(url) as unknown as EventSource,
    },
  );
  return { calls, stream, last: () => FakeSource.all.at(-1)! };
}
