import "server-only";
import { appendAudit, type AuditEntry } from "@/lib/audit/append";
import type { CurrentUser } from "@/lib/auth/current-user";
import { AppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";
import { metrics } from "@/lib/platform/metrics";

// What every audit row of a reset attempt shares: who, from where, with which key.

export interface RequestMeta {
  clientIp: string | null;
  userAgent: string | null;
}

export interface AttemptContext {
  user: { username: string; role: string };
  meta: RequestMeta;
  accountId?: string | null;
  scope?: string | null;
  venue?: string | null;
  idempotencyKey?: string | null;
}

export function requestMeta(req: Request): RequestMeta {
  return {
    // As reported by the server in front of us (next start sets it from the socket).
    clientIp: req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? null,
    userAgent: req.headers.get("user-agent"),
  };
}

export function auditAttempt(
  ctx: AttemptContext,
  entry: Omit<AuditEntry, "actor" | "role" | "action">,
) {
  metrics.resetOutcomes.inc({ venue: ctx.venue ?? "none", outcome: entry.outcome });
  return appendAudit({
    actor: ctx.user.username,
    role: ctx.user.role,
    action: "mmp.reset",
    venue: ctx.venue,
    accountId: ctx.accountId,
    scope: ctx.scope,
    idempotencyKey: ctx.idempotencyKey,
    clientIp: ctx.meta.clientIp,
    userAgent: ctx.meta.userAgent,
    ...entry,
  });
}

/** Records a refused attempt (no permission, bad origin, bad input, not frozen, busy…). */
export async function auditDenied(ctx: AttemptContext, err: unknown): Promise<void> {
  const detail = err instanceof AppError ? `${err.status} ${err.code}: ${err.message}` : "refused";
  // Nothing was sent, so the refusal stands even if it cannot be recorded; say so loudly.
  await auditAttempt(ctx, { outcome: "denied", detail }).catch((auditErr: unknown) =>
    log.error({ err: auditErr, detail }, "audit write failed for a denied reset attempt"),
  );
}

export type { CurrentUser };
