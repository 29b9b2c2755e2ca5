import "server-only";
import { appendAudit, type AppendOptions, type AuditEntry } from "@/lib/audit/append";
import type { AuditOutcome } from "@/lib/model/audit-outcomes";
import type { CurrentUser } from "@/lib/model/roles";
import { metrics } from "@/lib/platform/metrics";

// The audit of one attempt to change state. Every row it writes shares who, from where, which
// action and what it is about. The HTTP edge opens the attempt and writes `denied` when the
// attempt is refused before the use case wrote anything; the use case writes the rest
// (`requested`, then `ok` / `rejected` / `unknown` → `resolved`).

export interface RequestMeta {
  clientIp: string | null;
  userAgent: string | null;
}

/** Audited actions (the audit's `action` column). */
export type AuditAction =
  "mmp.reset" | "mmp.limits.request" | "mmp.limits.decide" | "mmp.limits.drift";

/** Writes one row to the audit trail; throws if it cannot (callers fail closed). */
export type AuditAppend = (entry: AuditEntry, options?: AppendOptions) => Promise<unknown>;

/** What the attempt is about, filled in as it becomes known. */
export interface AttemptSubject {
  accountId?: string | null;
  scope?: string | null;
  venue?: string | null;
  idempotencyKey?: string | null;
}

export type AttemptRow = Pick<
  AuditEntry,
  "outcome" | "stateBefore" | "stateAfter" | "venueCode" | "venueMessage" | "latencyMs" | "detail"
>;

export class Attempt {
  private readonly subject: AttemptSubject = {};
  private readonly outcomes: AuditOutcome[] = [];

  constructor(
    readonly action: AuditAction,
    readonly user: Pick<CurrentUser, "username" | "role">,
    readonly meta: RequestMeta,
    private readonly append: AuditAppend = (entry, options) =>
      appendAudit(entry, undefined, options),
  ) {}

  /** Adds to what the attempt is about (the venue, say, once the account is found). */
  about(subject: AttemptSubject): void {
    Object.assign(this.subject, subject);
  }

  /** The outcomes written so far, in order. */
  get written(): readonly AuditOutcome[] {
    return this.outcomes;
  }

  async record(row: AttemptRow, options?: AppendOptions): Promise<void> {
    // Counted when attempted, so a row that could not be written still shows in the metrics.
    if (this.action === "mmp.reset")
      metrics.resetOutcomes.inc({ venue: this.subject.venue ?? "none", outcome: row.outcome });
    await this.append(
      {
        actor: this.user.username,
        role: this.user.role,
        action: this.action,
        venue: this.subject.venue,
        accountId: this.subject.accountId,
        scope: this.subject.scope,
        idempotencyKey: this.subject.idempotencyKey,
        clientIp: this.meta.clientIp,
        userAgent: this.meta.userAgent,
        ...row,
      },
      options,
    );
    this.outcomes.push(row.outcome);
  }
}
