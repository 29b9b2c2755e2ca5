import { z } from "zod";
import type { LimitChange, MmpLimits } from "@/lib/model/limits";
import type { LimitEffects } from "@/lib/model/venue-limits";
import type { Venue } from "@/lib/model/venues";

// MMP limit changes under four eyes (issue 15), as the browser and the server both see them.
// The limits themselves are validated against the account's venue on the server (and by the
// form, with the same schema): here they are only "an object".

export const LIMIT_CHANGE_STATUSES = [
  /** Waiting for another user's approval, until expiresAt. */
  "pending",
  /** Refused by the approver. */
  "declined",
  /** Not decided in time: nothing was sent. */
  "expired",
  /** At approval the venue no longer showed the request's "before": nothing was sent. */
  "stale",
  /** Approved; the set call is being sent. */
  "sending",
  /** Sent once; a re-read shows the requested values. */
  "verified",
  /** Sent; a re-read shows other values (or could not be made). */
  "unverified",
  /** Sent; the venue's answer was lost and a re-read could not tell: see the venue. */
  "unknown",
  /** The venue refused the set call (its words in detail). */
  "failed",
] as const;
export type LimitChangeStatus = (typeof LIMIT_CHANGE_STATUSES)[number];

const idempotencyKey = z.string().regex(/^[A-Za-z0-9-]{8,64}$/);

export const limitRequestSchema = z.strictObject({
  accountId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  scope: z.string().min(1).max(64),
  /** The limits asked for, all of the venue's fields (checked against its table on the server). */
  after: z.record(z.string(), z.unknown()),
  /** Required (true) when the change switches MMP off. */
  confirmSwitchOff: z.boolean().default(false),
  idempotencyKey,
});
export type LimitRequestInput = z.infer<typeof limitRequestSchema>;

export const limitDecisionSchema = z.strictObject({
  id: z.uuid(),
  /** The diff the approver saw: an approval binds to it, not to whatever the row holds now. */
  diffHash: z.string().regex(/^[0-9a-f]{64}$/),
  idempotencyKey,
});
export type LimitDecisionInput = z.infer<typeof limitDecisionSchema>;

export interface LimitChangeView {
  id: string;
  accountId: string;
  /** The account's label as configured now (its id when the account is gone). */
  accountLabel: string;
  scope: string;
  venue: Venue;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  before: MmpLimits;
  after: MmpLimits;
  diffHash: string;
  switchesOff: boolean;
  status: LimitChangeStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  /** What the venue reported after the set call. */
  readAfter: MmpLimits | null;
  detail: string | null;
  changes: LimitChange[];
  effects: LimitEffects;
}
