import type { Venue } from "@/lib/model/types";
import { DeadManState } from "@/simulator/deadman";
import { credentialsOf, type AccountCredentials } from "@/simulator/signatures";
import type {
  SimAccountSpec,
  SimAccountState,
  SimScopeSpec,
  SimScopeState,
} from "@/simulator/types";

// Venue-neutral MMP state. Every venue protocol module reads and changes MMP through these
// classes and only translates to its own wire format, so "frozen" means the same thing on all
// four simulated venues and the control API can inspect any of them uniformly.
// All times are ms on the owning venue's clock (wall clock + that venue's skew).

export interface ScopeConfig {
  windowMs: number;
  /** 0 = frozen until a manual reset. */
  frozenPeriodMs: number;
  qtyLimit: string;
  deltaLimit: string;
  vegaLimit: string | null;
  enabled: boolean;
}

export interface Fill {
  qty: number;
  delta: number;
  vega?: number;
}

interface CountedFill extends Fill {
  at: number;
}

export class ScopeState {
  config: ScopeConfig;
  /** Last trigger as the venue reports it; 0 = never. Survives resets unless cleared. */
  lastTriggerTime = 0;
  lastResetAt: number | null = null;
  /** Manual resets; each clears the counters, so tests can see a reset of an unfrozen scope. */
  counterResets = 0;
  // The freeze is captured at trigger time: changing the frozen period later must not move an
  // end the venue has already fixed.
  private frozen = false;
  private frozenUntilMs: number | null = null;
  private fills: CountedFill[] = [];

  constructor(
    readonly scope: string,
    spec: Omit<SimScopeSpec, "scope">,
  ) {
    this.config = {
      windowMs: spec.windowMs,
      frozenPeriodMs: spec.frozenPeriodMs,
      qtyLimit: spec.qtyLimit,
      deltaLimit: spec.deltaLimit,
      vegaLimit: spec.vegaLimit ?? null,
      enabled: spec.enabled ?? true,
    };
  }

  isFrozen(now: number): boolean {
    return this.frozen && (this.frozenUntilMs === null || now < this.frozenUntilMs);
  }

  /** End of the current freeze; null = until manual reset. Only meaningful while frozen. */
  frozenUntil(): number | null {
    return this.frozenUntilMs;
  }

  /** MMP fires: venues cancel MMP orders and start counting afresh after the freeze. */
  trigger(now: number): void {
    this.frozen = true;
    this.frozenUntilMs = this.config.frozenPeriodMs > 0 ? now + this.config.frozenPeriodMs : null;
    this.lastTriggerTime = now;
    this.fills = [];
  }

  /** Manual reset: unfreezes and clears the counters even when not frozen (as Bybit documents). */
  reset(now: number, opts: { clearTrigger?: boolean } = {}): void {
    this.frozen = false;
    this.frozenUntilMs = null;
    this.fills = [];
    this.lastResetAt = now;
    this.counterResets += 1;
    if (opts.clearTrigger) this.lastTriggerTime = 0;
  }

  /**
   * Counts a maker fill in the sliding window and trips MMP when a limit is reached.
   * Returns true when this fill triggered MMP. Fills while frozen or disabled are ignored
   * because the venue would have rejected the MMP orders.
   */
  recordFill(now: number, fill: Fill): boolean {
    if (!this.config.enabled || this.isFrozen(now)) return false;
    this.fills = this.fills.filter((f) => now - f.at < this.config.windowMs);
    this.fills.push({ ...fill, at: now });
    const qty = this.fills.reduce((s, f) => s + Math.abs(f.qty), 0);
    const delta = Math.abs(this.fills.reduce((s, f) => s + f.qty * f.delta, 0));
    const vega = Math.abs(this.fills.reduce((s, f) => s + f.qty * (f.vega ?? 0), 0));
    const hit =
      reached(qty, this.config.qtyLimit) ||
      reached(delta, this.config.deltaLimit) ||
      (this.config.vegaLimit !== null && reached(vega, this.config.vegaLimit));
    if (hit) this.trigger(now);
    return hit;
  }

  patch(p: Partial<ScopeConfig>): void {
    this.config = { ...this.config, ...stripUndefined(p) };
  }

  snapshot(now: number): SimScopeState {
    const frozen = this.isFrozen(now);
    return {
      scope: this.scope,
      ...this.config,
      frozen,
      frozenUntil: frozen ? this.frozenUntilMs : null,
      lastTriggerTime: this.lastTriggerTime,
      lastResetAt: this.lastResetAt,
      fillCount: this.fills.filter((f) => now - f.at < this.config.windowMs).length,
      counterResets: this.counterResets,
    };
  }
}

function reached(value: number, limit: string): boolean {
  const l = Number(limit);
  return Number.isFinite(l) && l > 0 && value >= l;
}

function stripUndefined<T extends object>(o: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export class AccountState {
  readonly scopes = new Map<string, ScopeState>();

  constructor(
    readonly id: string,
    readonly venue: Venue,
    readonly apiKey: string,
    /** Kept only for signature checks; never logged or returned by the control API. */
    readonly credentials: AccountCredentials,
    /** false = the venue has not granted MMP to this account at all (Bybit 3500713). */
    readonly mmpEnabled: boolean,
    /** The venue's dead-man switch as its read endpoints report it (see deadman.ts). */
    readonly deadMan: DeadManState = new DeadManState(),
  ) {}

  snapshot(now: number): SimAccountState {
    return {
      id: this.id,
      venue: this.venue,
      apiKey: this.apiKey,
      keyType: this.credentials.keyType,
      mmpEnabled: this.mmpEnabled,
      scopes: [...this.scopes.values()].map((s) => s.snapshot(now)),
    };
  }
}

/** Per-venue clocks: skew lets tests reproduce a venue whose time differs from ours. */
export class VenueClocks {
  private readonly skew = new Map<Venue, number>();

  now(venue: Venue): number {
    return Date.now() + (this.skew.get(venue) ?? 0);
  }

  skewOf(venue: Venue): number {
    return this.skew.get(venue) ?? 0;
  }

  /** No venue = every venue. */
  setSkew(venue: Venue | undefined, skewMs: number, all: readonly Venue[]): void {
    for (const v of venue ? [venue] : all) this.skew.set(v, skewMs);
  }

  clear(): void {
    this.skew.clear();
  }
}

/** A bad dead-man spec fails the start, naming the account, like any other bad spec. */
function deadManOf(spec: SimAccountSpec): DeadManState {
  try {
    return new DeadManState(spec.deadMan);
  } catch (err) {
    throw new Error(
      `account ${spec.id}: deadMan: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** All accounts, keyed by API key (the only identity a venue request carries). */
export class SimState {
  private readonly byKey = new Map<string, AccountState>();

  constructor(specs: readonly SimAccountSpec[], clocks: VenueClocks) {
    for (const spec of specs) {
      if (this.byKey.has(spec.apiKey)) throw new Error(`duplicate apiKey for account ${spec.id}`);
      const account = new AccountState(
        spec.id,
        spec.venue,
        spec.apiKey,
        credentialsOf(spec),
        spec.mmpEnabled ?? true,
        deadManOf(spec),
      );
      const now = clocks.now(spec.venue);
      for (const s of spec.scopes) {
        if (account.scopes.has(s.scope)) throw new Error(`duplicate scope ${spec.id}/${s.scope}`);
        const scope = new ScopeState(s.scope, s);
        if (s.triggeredAt !== undefined)
          scope.trigger(s.triggeredAt === "now" ? now : s.triggeredAt);
        account.scopes.set(s.scope, scope);
      }
      this.byKey.set(spec.apiKey, account);
    }
  }

  account(apiKey: string): AccountState | undefined {
    return this.byKey.get(apiKey);
  }

  accounts(venue?: Venue): AccountState[] {
    return [...this.byKey.values()].filter((a) => venue === undefined || a.venue === venue);
  }
}
