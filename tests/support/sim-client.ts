// A thin client for the simulator's /__sim control API (simulator/README.md), over HTTP.

export interface SimLogEntry {
  seq: number;
  at: number;
  venue: string;
  method: string;
  path: string;
  query: string;
  body: string;
  apiKey: string | null;
  status: number;
  venueCode: string | number | null;
  fault: string | null;
}

export interface FaultSpec {
  venue?: string;
  apiKey?: string;
  method?: string;
  path?: string;
  kind: "latency" | "status" | "hang" | "drop" | "bad-json";
  ms?: number;
  status?: number;
  body?: string;
  retryAfterSec?: number;
  times?: number;
  apply?: boolean;
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { "content-type": "application/json", ...init?.headers },
  });
  if (!res.ok)
    throw new Error(`${init?.method ?? "GET"} ${url} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function simControl(base: string) {
  const post = <T>(path: string, body: unknown) =>
    call<T>(`${base}/__sim/${path}`, { method: "POST", body: JSON.stringify(body) });
  return {
    log: async (filter: { venue?: string; path?: string; method?: string } = {}) => {
      const q = new URLSearchParams(filter).toString();
      return (await call<{ entries: SimLogEntry[] }>(`${base}/__sim/log${q ? `?${q}` : ""}`))
        .entries;
    },
    clearLog: () => call(`${base}/__sim/log`, { method: "DELETE" }),
    freeze: (apiKey: string, scope: string) => post("freeze", { apiKey, scope }),
    setScope: (patch: Record<string, unknown>) => post("scope", patch),
    fault: (spec: FaultSpec) => post<{ id: string | number }>("faults", spec),
    clearFaults: () => call(`${base}/__sim/faults`, { method: "DELETE" }),
    skew: (skewMs: number, venue?: string) => post("clock", { skewMs, venue }),
    restore: () => post("restore", {}),
    /** A Deribit API key's matching-engine credit pool: set its refill, spend credits now. */
    credits: (spec: { apiKey: string; perSecond?: number; burst?: number; spend?: number }) =>
      post<{ apiKey: string; credits: number; perSecond: number; burst: number }>("credits", spec),
    state: () => call<unknown>(`${base}/__sim/state`),
  };
}
