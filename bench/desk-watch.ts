import type { AccountUpdate, DeskSnapshot, MmpRow, RowTransition } from "@/lib/model/types";
import { openLiteStream, type LiteStream } from "./sse";
import { sleep } from "./stats";

// One signed-in stream client that keeps the latest rows of a few accounts and every transition,
// with the time each arrived. Used to wait (untimed) for the app to see a state, and to time how
// long a venue-side change takes to reach a viewer.

export interface SeenTransition {
  t: RowTransition;
  /** performance.now() when it arrived. */
  at: number;
}

export interface DeskWatch {
  stream: LiteStream;
  row: (id: string) => MmpRow | undefined;
  waitRow: (id: string, ok: (r: MmpRow) => boolean, timeoutMs: number) => Promise<MmpRow | null>;
  waitTransition: (
    id: string,
    to: RowTransition["to"],
    since: number,
    timeoutMs: number,
  ) => Promise<SeenTransition | null>;
  close: () => void;
}

export async function watchDesk(
  appUrl: string,
  cookie: string,
  accountIds: readonly string[],
): Promise<DeskWatch> {
  const rows = new Map<string, MmpRow>();
  const transitions: SeenTransition[] = [];
  const markers = accountIds.map((id) => `"accountId":"${id}"`);
  const keep = (list: readonly MmpRow[]) => {
    for (const r of list) if (accountIds.includes(r.accountId)) rows.set(r.id, r);
  };
  const stream = await openLiteStream(`${appUrl}/api/stream`, cookie, (e) => {
    if (e.event === "snapshot") keep((JSON.parse(e.data) as DeskSnapshot).rows);
    else if (e.event === "account" && markers.some((m) => e.data.startsWith(`{${m}`)))
      keep((JSON.parse(e.data) as AccountUpdate).rows);
    else if (e.event === "transition") {
      transitions.push({ t: JSON.parse(e.data) as RowTransition, at: e.at });
      if (transitions.length > 2000) transitions.splice(0, 1000);
    }
  });
  if (stream.status !== 200) throw new Error(`stream refused: HTTP ${stream.status}`);
  const poll = async <T>(get: () => T | undefined, timeoutMs: number): Promise<T | null> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = get();
      if (v !== undefined) return v;
      if (Date.now() >= end) return null;
      await sleep(5);
    }
  };
  return {
    stream,
    row: (id) => rows.get(id),
    waitRow: (id, ok, timeoutMs) =>
      poll(() => {
        const r = rows.get(id);
        return r && ok(r) ? r : undefined;
      }, timeoutMs),
    waitTransition: (id, to, since, timeoutMs) =>
      poll(
        () => transitions.find((s) => s.at >= since && s.t.rowId === id && s.t.to === to),
        timeoutMs,
      ),
    close: () => stream.close(),
  };
}
