import { randomUUID } from "node:crypto";
import type { DeskSnapshot, ResetResult } from "@/lib/model/types";

// The app's own HTTP API, as a signed-in browser calls it.

export interface ApiReset {
  status: number;
  body: Partial<ResetResult> & { error?: { code?: string } };
  ms: number;
  /** The app's own account of where the time went (its Server-Timing header), ms per span. */
  spans: Record<string, number>;
}

/** `a;dur=1.2, b;dur=3` → { a: 1.2, b: 3 }. */
export function parseServerTiming(header: string | null): Record<string, number> {
  const spans: Record<string, number> = {};
  for (const part of (header ?? "").split(",")) {
    const [name, ...params] = part.trim().split(";");
    const dur = params.map((p) => /^dur=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
    if (name && dur !== undefined) spans[name] = Number(dur);
  }
  return spans;
}

export async function resetViaApi(
  appUrl: string,
  cookie: string,
  accountId: string,
  scope: string,
): Promise<ApiReset> {
  const body = JSON.stringify({ accountId, scope, idempotencyKey: randomUUID() });
  const started = performance.now();
  const res = await fetch(`${appUrl}/api/mmp/reset`, {
    method: "POST",
    headers: { cookie, origin: appUrl, "content-type": "application/json" },
    body,
  });
  const parsed = (await res.json()) as ApiReset["body"];
  return {
    status: res.status,
    body: parsed,
    ms: performance.now() - started,
    spans: parseServerTiming(res.headers.get("server-timing")),
  };
}

async function deskSnapshot(appUrl: string, cookie: string): Promise<DeskSnapshot> {
  const res = await fetch(`${appUrl}/api/mmp`, { headers: { cookie } });
  if (!res.ok) throw new Error(`GET /api/mmp → ${res.status}`);
  return (await res.json()) as DeskSnapshot;
}

/** Resets (through the API) every row frozen for a finite period, so that no freeze expires in
 * the middle of a measurement window and changes how often the monitor polls. */
export async function resetTimedFreezes(appUrl: string, cookie: string): Promise<string[]> {
  const done: string[] = [];
  for (const row of (await deskSnapshot(appUrl, cookie)).rows) {
    if (row.status !== "frozen" || row.frozenUntil === null) continue;
    const r = await resetViaApi(appUrl, cookie, row.accountId, row.scope);
    if (r.status === 200) done.push(row.id);
  }
  return done;
}
