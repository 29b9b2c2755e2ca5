import type { Credentials } from "@/lib/config/load";
import { type KeyType } from "@/lib/config/schema";
import type { MmpLimits } from "@/lib/model/limits";
import type { MmpRow, Venue } from "@/lib/model/types";
import type { RateLimit } from "@/lib/venues/guard/budget";

// The one interface the app uses to talk to any venue. Adding a venue = one folder under
// lib/venues/ implementing VenueAdapter + one line in lib/venues/registry.ts.

export interface AdapterContext {
  accountId: string;
  baseUrl: string;
  credentials: Credentials;
  timeouts: { readMs: number; resetMs: number };
  /** Send the venue's demo-trading marker (a venue where demo = same host + a header). */
  demoTrading: boolean;
}

/** A trigger pushed by the venue, already on the app server's clock. */
export interface PushTrigger {
  scope: string;
  /** Epoch ms, or null = frozen until manual reset. */
  frozenUntil: number | null;
  /** The venue's MMP for block trades/RFQ, not the quoting MMP a row shows (scope may be "all"). */
  blockRfq?: boolean;
}

export interface PushHandlers {
  onTrigger(trigger: PushTrigger): void;
  /** Connection state changes, for the desk's banner and the logs. */
  onStatus(status: { connected: boolean; detail: string }): void;
}

export interface PushSubscription {
  close(): Promise<void>;
}

/** The venue-derived part of a desk row. */
export type ScopeState = Pick<
  MmpRow,
  | "status"
  | "frozenUntil"
  | "windowMs"
  | "frozenPeriodMs"
  | "qtyLimit"
  | "deltaLimit"
  | "vegaLimit"
  | "lastTriggerAt"
  | "problem"
>;

export interface ScopeRead {
  scope: string;
  state: ScopeState;
}

/** One dead-man switch as a venue reports it. */
export interface DeadManSwitch {
  state: "armed" | "off";
  /** Countdown or window when armed, ms; null when the venue gives none. */
  windowMs: number | null;
}

/** An account's dead-man switch: account-wide, or per scope (a scope not listed is off). */
export interface DeadManRead {
  account: DeadManSwitch | null;
  scopes: Record<string, DeadManSwitch> | null;
  /** What the reading means where it is not obvious ("default for new connections"). */
  note: string | null;
}

export interface ResetReceipt {
  /** The venue's answer, summarised for the audit trail (no secrets, bounded length). */
  venueAnswer: string;
  /** The scope's state as the venue's answer describes it, where the answer carries one. */
  stateAfter?: ScopeState;
}

export interface SetLimitsReceipt {
  /** The venue's answer, summarised for the audit trail (no secrets, bounded length). */
  venueAnswer: string;
}

export interface VenueAdapter {
  venue: Venue;
  /** Display name. */
  label: string;
  /** Key types the venue accepts for API keys. */
  keyTypes: readonly KeyType[];
  /** The venue needs a passphrase besides key and secret. */
  needsPassphrase: boolean;
  /** "interval": the venue's MMP window is not sliding (it starts at the first fill and a fill
   * after it ends starts a new one); shown as such on its rows. Absent: sliding. */
  windowKind?: "interval";
  /** Its MMP reads draw on the credits the account quotes with: while its push channel is up,
   * the monitor reads it sparsely (MMP_PUSHED_POLL_INTERVAL_MS). */
  sparseWhenPushed?: boolean;
  /** A budget every account on one venue host shares, for a venue that counts per IP; null
   * when not known. */
  hostLimit?(baseUrl: string): RateLimit | null;
  /** Request budget per account (documented limits, with margin), shared by polls and resets. */
  rateLimit: RateLimit;
  /** Where the venue limits its mutating endpoints (reset, set) apart from its reads: their own
   * budget per account, so a reset never waits for a token behind polls. Absent: mutations draw
   * on `rateLimit` (with the reserve kept for resets), as on a venue with one shared budget. */
  mutationLimit?: RateLimit;
  /** Venue requests one readScopes() of this many scopes makes (the monitor paces polls by it). */
  readCost(scopeCount: number): number;
  /** Strict shape of a scope on this venue; anything else is refused before any call. */
  scopePattern: RegExp;
  /** Scopes the venue can list for this account (used when the config names none). */
  listScopes(ctx: AdapterContext): Promise<string[]>;
  /** Reads every scope. Per-scope problems (not enabled, unknown scope) become row states;
   * account-wide failures (auth, signature, rate limit, unreachable) throw a VenueError. */
  readScopes(ctx: AdapterContext, scopes: string[]): Promise<ScopeRead[]>;
  /** Resets one scope. Throws VenueError; kind "unknown_outcome" when the result is not known. */
  reset(ctx: AdapterContext, scope: string): Promise<ResetReceipt>;
  /** The venue's clock, epoch ms. */
  serverTime(ctx: AdapterContext): Promise<number>;
  /** One scope's editable MMP limits as the venue reports them now, in the desk's units
   * (lib/model/venue-limits.ts); null when the scope has no MMP configuration. For a limit
   * change's "before" check and its verification (issue 15). */
  readLimits?(ctx: AdapterContext, scope: string): Promise<MmpLimits | null>;
  /** Sends the venue's set call for one scope once, signed, with every field the venue needs
   * (already validated against VENUE_LIMITS). Never retried here. Throws VenueError; kind
   * "unknown_outcome" when the venue may or may not have applied it. */
  setLimits?(ctx: AdapterContext, scope: string, limits: MmpLimits): Promise<SetLimitsReceipt>;
  /** Reads the account's dead-man switch without taking part in it (never a heartbeat, never a
   * subscription that arms it, never a call that sets it: docs/venues.md#dead-man-switches).
   * Absent when the venue has no read endpoint: then `deadManUnreadable` says why. */
  readDeadMan?(ctx: AdapterContext, scopes: string[]): Promise<DeadManRead>;
  deadManUnreadable?: string;
  /** Venues with a push channel for MMP triggers: authenticate, subscribe to every scope,
   * reconnect with backoff and re-subscribe by itself until close(). REST polling stays the
   * source of truth; a push only makes a freeze visible sooner. */
  subscribe?(ctx: AdapterContext, scopes: string[], handlers: PushHandlers): PushSubscription;
}
