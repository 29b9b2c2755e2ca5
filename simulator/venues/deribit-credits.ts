import type { SimCore, VenueProtocol } from "@/simulator/core";
import type { AccountState } from "@/simulator/state";
import type { RpcFailure } from "@/simulator/venues/deribit-auth";

// Deribit's matching-engine credit pool. The venue documents the four MMP methods as matching-
// engine methods that draw on a per-sub-account pool shared with the market maker's own quoting;
// an empty pool answers 10028 and ends the session. A dashboard polling MMP therefore spends the
// quoting engine's credits, so the simulator must model the pool for that cost to show in tests.
// One token bucket per API key (a sub-account here), refilled continuously up to its burst.

export interface CreditPoolSpec {
  /** Credits refilled per second (fractions accumulate); 0 = never refills. */
  perSecond: number;
  /** Pool size, and its content when it starts or is restored. */
  burst: number;
}

/** A pool as POST /__sim/credits answers it; all null = unlimited (no pool for that key). */
export type CreditPoolState =
  | ({ apiKey: string; credits: number } & CreditPoolSpec)
  | { apiKey: string; credits: null; perSecond: null; burst: null };

export const TOO_MANY_REQUESTS: RpcFailure = { code: 10028, message: "too_many_requests" };

interface Pool extends CreditPoolSpec {
  credits: number;
  /** performance.now() of the last refill. */
  at: number;
}

/**
 * performance.now(), not the Deribit clock: refill must not jump when a test skews the venue
 * clock, nor run backwards.
 */
const tick = () => performance.now();

export class DeribitCredits {
  private pools = new Map<string, Pool>();

  /** `start` is SimOptions.deribitCredits: every key gets such a pool; undefined = unlimited. */
  constructor(private readonly start: CreditPoolSpec | undefined) {
    if (start) checkSpec(start, "deribitCredits");
  }

  /** Takes one credit; false when the pool holds less than one (nothing is taken then). */
  take(apiKey: string): boolean {
    const pool = this.pool(apiKey);
    if (!pool) return true;
    if (pool.credits < 1) return false;
    pool.credits -= 1;
    return true;
  }

  /**
   * POST /__sim/credits. Given fields replace the pool's (an existing pool keeps its credits,
   * capped at the new burst; a new one starts full), then `spend` drains it. Null when the key
   * has no pool and the patch cannot make one (no perSecond and burst to start it from).
   */
  configure(
    apiKey: string,
    patch: Partial<CreditPoolSpec> & { spend?: number },
  ): CreditPoolState | null {
    const { spend, ...spec } = patch;
    let pool = this.pool(apiKey);
    if (!pool && spec.perSecond === undefined && spec.burst === undefined && !spend) {
      return { apiKey, credits: null, perSecond: null, burst: null };
    }
    if (!pool) {
      if (spec.perSecond === undefined || spec.burst === undefined) return null;
      pool = { perSecond: spec.perSecond, burst: spec.burst, credits: spec.burst, at: tick() };
      this.pools.set(apiKey, pool);
    }
    pool.perSecond = spec.perSecond ?? pool.perSecond;
    pool.burst = spec.burst ?? pool.burst;
    pool.credits = Math.max(0, Math.min(pool.credits, pool.burst) - (spend ?? 0));
    return this.state(apiKey, pool);
  }

  /** Back to the start options: every pool full again, pools added by the control API gone. */
  restore(): void {
    this.pools = new Map();
  }

  /** The key's pool refilled up to now; created full from the start options on first use. */
  private pool(apiKey: string): Pool | null {
    let pool = this.pools.get(apiKey);
    if (!pool) {
      if (!this.start) return null;
      pool = { ...this.start, credits: this.start.burst, at: tick() };
      this.pools.set(apiKey, pool);
    }
    const now = tick();
    pool.credits = Math.min(pool.burst, pool.credits + ((now - pool.at) / 1000) * pool.perSecond);
    pool.at = now;
    return pool;
  }

  /** Whole credits only: a call needs a whole one, so a fraction would only confuse tests. */
  private state(apiKey: string, pool: Pool): CreditPoolState {
    return {
      apiKey,
      credits: Math.floor(pool.credits),
      perSecond: pool.perSecond,
      burst: pool.burst,
    };
  }
}

function checkSpec(spec: CreditPoolSpec, what: string): void {
  if (!Number.isFinite(spec.perSecond) || spec.perSecond < 0) {
    throw new Error(`${what}.perSecond must be a finite number ≥ 0`);
  }
  if (!Number.isInteger(spec.burst) || spec.burst < 0) {
    throw new Error(`${what}.burst must be an integer ≥ 0`);
  }
}

/** What a matching-engine call did: its answer, and whether the venue ends the session now. */
export interface EngineOutcome {
  answer: { result: unknown } | { error: RpcFailure };
  sessionEnds: boolean;
}

/** The matching-engine methods, shared by both transports (each ends its own kind of session). */
export interface DeribitMatchingEngine {
  handles(method: string): boolean;
  /** Spends one credit of the account's pool, then runs the method (10028 when empty). */
  call(account: AccountState, method: string, params: Record<string, unknown>): EngineOutcome;
}

/** A protocol module that owns Deribit credit pools (for POST /__sim/credits). */
export interface CreditHost {
  readonly credits: DeribitCredits;
}

export function creditHost(core: SimCore): (VenueProtocol & CreditHost) | undefined {
  return core.protocols.find((p): p is VenueProtocol & CreditHost => "credits" in p);
}
