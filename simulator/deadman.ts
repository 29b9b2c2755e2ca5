import type { SimDeadManSpec, SimDeadManState, SimForbiddenCall } from "@/simulator/types";

// Dead-man switches (Binance countdown cancel-all, Bybit DCP, Deribit cancel-on-disconnect) and
// the calls that arm or feed them. A risk dashboard may only READ a switch: arming one, or sending
// its heartbeat, would make the dashboard part of the trading system's liveness. The simulator
// answers such calls as the venue would but records each one loudly, so a test can prove the app
// never made any.

type DcpEntry = SimDeadManState["bybitDcp"][number];

/** One account's live dead-man state; it changes only through POST /__sim/deadman. */
export class DeadManState {
  private binance = new Map<string, number>();
  private dcp: DcpEntry[] = [];
  private deribit = false;

  constructor(spec: SimDeadManSpec = {}) {
    this.patch(spec);
  }

  /** Each field given replaces that part wholesale; copies, so the spec stays pristine. */
  patch(p: SimDeadManSpec): void {
    if (p.binanceCountdowns !== undefined) {
      for (const [u, ms] of Object.entries(p.binanceCountdowns)) {
        if (!Number.isInteger(ms) || ms < 0)
          throw new Error(`binanceCountdowns.${u} must be an integer ms ≥ 0`);
      }
      this.binance = new Map(Object.entries(p.binanceCountdowns));
    }
    if (p.bybitDcp !== undefined) {
      for (const d of p.bybitDcp) {
        if (!Number.isInteger(d.timeWindowSec) || d.timeWindowSec < 0)
          throw new Error(`bybitDcp ${d.product}: timeWindowSec must be an integer ≥ 0`);
      }
      this.dcp = p.bybitDcp.map((d) => ({ ...d }));
    }
    if (p.deribitCancelOnDisconnect !== undefined) this.deribit = p.deribitCancelOnDisconnect;
  }

  /** Binance: armed underlyings only (0 = off, as the venue leaves those out), in spec order. */
  armedCountdowns(): { underlying: string; countdownTime: number }[] {
    return [...this.binance]
      .filter(([, ms]) => ms > 0)
      .map(([underlying, countdownTime]) => ({ underlying, countdownTime }));
  }

  get bybitDcp(): readonly DcpEntry[] {
    return this.dcp;
  }

  get deribitCancelOnDisconnect(): boolean {
    return this.deribit;
  }

  snapshot(): SimDeadManState {
    return {
      binanceCountdowns: Object.fromEntries(this.binance),
      bybitDcp: this.dcp.map((d) => ({ ...d })),
      deribitCancelOnDisconnect: this.deribit,
    };
  }
}

/** Bounded like the request log, for a standalone simulator left running for days. */
const MAX_CALLS = 5000;

/**
 * Forbidden calls since start. Neither POST /__sim/restore nor clearing the request log empties
 * it: a test that restores between cases must still see a call an earlier case provoked.
 */
export class ForbiddenCalls {
  private calls: SimForbiddenCall[] = [];

  record(call: SimForbiddenCall): void {
    this.calls.push(call);
    if (this.calls.length > MAX_CALLS) this.calls.splice(0, this.calls.length - MAX_CALLS);
    // One line on stderr, so it stands out in any server or CI log even if no test asks.
    console.error(
      `SIMULATOR: FORBIDDEN CALL ${call.what}: ${call.venue} ${call.method} ${call.path} ` +
        `apiKey=${call.apiKey ?? "(none)"}; a risk dashboard must never make this call`,
    );
  }

  list(): SimForbiddenCall[] {
    return this.calls.map((c) => ({ ...c }));
  }

  /** Returns how many calls were dropped. */
  clear(): number {
    const n = this.calls.length;
    this.calls = [];
    return n;
  }
}
