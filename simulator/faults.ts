import type { ServerResponse } from "node:http";
import type { Venue } from "@/lib/model/types";
import { send, serialise, type SimResponse } from "@/simulator/http";
import type { SimFaultRule, SimFaultSpec } from "@/simulator/types";

// Fault injection: the failure modes a real venue or the network between us produce, on demand.
// Rules are matched per request (first match wins) before auth, because real outages do not
// care whether the request was well signed.

export interface FaultTarget {
  venue: Venue;
  apiKey: string | null;
  method: string;
  path: string;
}

export class FaultStore {
  private rules: SimFaultRule[] = [];
  private nextId = 1;

  add(spec: SimFaultSpec): SimFaultRule {
    const times = spec.times ?? 1;
    const rule: SimFaultRule = {
      ...spec,
      method: spec.method?.toUpperCase(),
      id: `f${this.nextId++}`,
      remaining: times === 0 ? null : times,
    };
    this.rules.push(rule);
    return rule;
  }

  list(): SimFaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule matching the request, with one of its uses consumed; null = none. */
  take(t: FaultTarget): SimFaultRule | null {
    const rule = this.rules.find(
      (r) =>
        (r.venue === undefined || r.venue === t.venue) &&
        (r.apiKey === undefined || r.apiKey === t.apiKey) &&
        (r.method === undefined || r.method === t.method) &&
        (r.path === undefined || r.path === t.path),
    );
    if (!rule) return null;
    if (rule.remaining !== null && --rule.remaining <= 0) {
      this.rules = this.rules.filter((r) => r !== rule);
    }
    return rule;
  }
}

/** How each venue dresses a fault status, so clients see a plausible error envelope. */
export interface FaultDresser {
  faultBody(status: number): unknown;
  codeOf(body: unknown): number | string | null;
}

export interface FaultOutcome {
  /** HTTP status sent; null when nothing was (hang, drop). */
  status: number | null;
  venueCode: number | string | null;
}

/**
 * Answers a request the way the (non-latency) rule says. `applied` is the real answer when the
 * endpoint already ran (apply:true); bad-json then truncates that answer so the client cannot
 * tell whether the effect happened.
 */
export function answerWithFault(
  res: ServerResponse,
  rule: SimFaultRule,
  dresser: FaultDresser,
  applied: SimResponse | null,
): FaultOutcome {
  switch (rule.kind) {
    case "status": {
      const status = rule.status ?? 500;
      const body = rule.body ?? dresser.faultBody(status);
      const headers: Record<string, string> =
        rule.retryAfterSec !== undefined ? { "Retry-After": String(rule.retryAfterSec) } : {};
      send(res, { status, body, headers });
      return { status, venueCode: dresser.codeOf(body) };
    }
    case "bad-json": {
      send(res, {
        status: 200,
        body: truncated(applied ? serialise(applied.body) : '{"ok":true}'),
      });
      return { status: 200, venueCode: null };
    }
    case "drop":
      // A reset without any HTTP answer: the client sees ECONNRESET / "socket hang up".
      res.socket?.destroy();
      return { status: null, venueCode: null };
    case "hang":
    case "latency":
      // hang: leave the socket open until the client gives up or the simulator closes.
      return { status: null, venueCode: null };
  }
}

function truncated(json: string): string {
  const cut = json.slice(0, Math.max(1, Math.floor(json.length / 2)));
  try {
    JSON.parse(cut);
    return '{"';
  } catch {
    return cut;
  }
}
