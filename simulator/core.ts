import type { Venue } from "@/lib/model/types";
import { VENUES } from "@/lib/model/types";
import { ForbiddenCalls } from "@/simulator/deadman";
import { FaultStore, type FaultDresser } from "@/simulator/faults";
import type { SimRequest, SimResponse } from "@/simulator/http";
import { RequestLog } from "@/simulator/log";
import { SimState, VenueClocks } from "@/simulator/state";
import type { SimOptions } from "@/simulator/types";

// The venue-neutral heart of the simulator: state, clocks, faults and log, plus the list of venue
// protocol modules. Adding a venue means writing one VenueProtocol and listing its factory in
// index.ts; nothing here knows any wire format.

export interface VenueProtocol extends FaultDresser {
  readonly venue: Venue;
  /** True when this module serves the path (e.g. everything under /eapi/). */
  handles(path: string): boolean;
  /** The API key the request claims, unverified: used for fault matching and the log. */
  apiKeyOf(req: SimRequest): string | null;
  /** Authenticates and executes the request. Must not write to the socket (see SimResponse). */
  handle(req: SimRequest): SimResponse;
  /** Drops per-protocol counters (rate-limit weights) on POST /__sim/restore. */
  restore(): void;
  /**
   * What the request is when it is a call a risk dashboard must never make (arming or feeding a
   * dead-man switch), e.g. "Binance countdownCancelAllHeartBeat"; null for any other request.
   * Judged before faults and auth: the attempt alone is the bug.
   */
  forbidden(req: SimRequest): string | null;
}

export type ProtocolFactory = (core: SimCore) => VenueProtocol;

export class SimCore {
  readonly clocks = new VenueClocks();
  readonly faults = new FaultStore();
  readonly log = new RequestLog();
  /** Survives restore() and log clears on purpose (see deadman.ts). */
  readonly forbidden = new ForbiddenCalls();
  state: SimState;
  readonly protocols: VenueProtocol[];
  private closed = false;
  private readonly wakers = new Set<() => void>();

  constructor(
    readonly options: SimOptions,
    factories: readonly ProtocolFactory[],
  ) {
    this.state = new SimState(options.accounts, this.clocks);
    this.protocols = factories.map((f) => f(this));
  }

  /** The venue's own clock: wall clock plus the skew set through POST /__sim/clock. */
  now(venue: Venue): number {
    return this.clocks.now(venue);
  }

  setSkew(venue: Venue | undefined, skewMs: number): void {
    this.clocks.setSkew(venue, skewMs, VENUES);
  }

  protocolFor(path: string): VenueProtocol | undefined {
    return this.protocols.find((p) => p.handles(path));
  }

  /** Back to the state the options describe: for test isolation without restarting. */
  restore(): void {
    this.clocks.clear();
    this.faults.clear();
    this.log.clear();
    this.state = new SimState(this.options.accounts, this.clocks);
    for (const p of this.protocols) p.restore();
  }

  /** A delay that ends early when the simulator closes, so no timer keeps the process alive. */
  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const wake of [...this.wakers]) wake();
  }
}
