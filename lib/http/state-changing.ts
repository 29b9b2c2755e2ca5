import "server-only";
import type { z } from "zod";
import { appendAudit } from "@/lib/audit/append";
import { requirePermission, requireUser } from "@/lib/auth/current-user";
import { getDb, type Db } from "@/lib/db/client";
import {
  Attempt,
  type AttemptSubject,
  type AuditAction,
  type AuditAppend,
} from "@/lib/desk/reset-audit";
import { recordDenied, tarpit } from "@/lib/http/denied";
import { toErrorResult } from "@/lib/http/errors";
import { handler } from "@/lib/http/handler";
import { runOnce } from "@/lib/http/idempotency";
import { assertSameOrigin, readJson, requestMeta } from "@/lib/http/request";
import type { CurrentUser, Permission } from "@/lib/model/roles";
import { isAppError } from "@/lib/platform/errors";
import { mustFinish, refuseWhileStopping } from "@/lib/platform/lifecycle";
import { log } from "@/lib/platform/log";
import { timed, withTimings } from "@/lib/platform/server-timing";

// The one edge of every state-changing route. In this order:
// 1. a session, or 401. Not audited: nobody is known to have tried anything, and anyone on the
//    network could fill the trail (and its hash chain) with anonymous refusals.
// 2. same origin (403), the permission (403), the body: JSON (415), bounded (413), its schema
//    (400). A refusal here leaves one `denied` row (the first of the user's minute: the rest of
//    that minute are counted into one row, and past the first twenty the answer is held back a
//    little longer each time: lib/http/denied.ts).
// 3. the idempotency key: a repeat replays the first answer (no second run, no new audit rows);
//    the same key for another request is 422, and a repeat still waiting for the first answer
//    past the run's bound is 409. Neither adds a row: the first request's rows are the record.
// 4. the use case, with the attempt's audit. It returns a result (the spec gives its status) or
//    throws; when it throws before writing any row, the edge writes one `denied` row (up to
//    MMP_DENIED_ROWS_PER_MINUTE of the user's minute, lib/http/denied.ts).
// Statuses come only from lib/http/errors.ts. While the process shuts down, a new request is
// answered 503 `shutting_down` before step 1 (not audited: nothing was tried, and the client is
// told when to come back); one already running is work the process must finish
// (lib/platform/lifecycle.ts): shutdown waits for it to write its result.

export interface EdgeDeps {
  /** The signed-in user; throws `unauthenticated` when there is none. */
  user(): Promise<CurrentUser>;
  /** Where idempotency keys live. */
  db(): Promise<Db>;
  /** Where audit rows go. */
  audit: AuditAppend;
}

const edgeDefaults = (): EdgeDeps => ({
  user: requireUser,
  db: getDb,
  audit: (entry, options) => appendAudit(entry, undefined, options),
});

export interface StateChangingSpec<S extends z.ZodType, R> {
  permission: Permission;
  /** The audit rows' action. */
  action: AuditAction;
  schema: S;
  /** What an idempotency key names, for the refusal message ("reset"). */
  what: string;
  /** What the request is about (for its audit rows), its idempotency key, and the fingerprint a
   * repeat of the key must match (who asked for what). */
  identify(
    input: z.infer<S>,
    user: CurrentUser,
  ): { subject: AttemptSubject; idempotencyKey: string; fingerprint: string };
  /** Longest one run takes: a repeated key waits this long for the first answer. */
  maxRunMs(): number;
  run(input: z.infer<S>, attempt: Attempt): Promise<R>;
  /** The status of a result (errors get theirs from lib/http/errors.ts). */
  status(result: R): number;
}

export function stateChangingRoute<S extends z.ZodType, R>(
  spec: StateChangingSpec<S, R>,
  overrides: Partial<EdgeDeps> = {},
): (req: Request) => Promise<Response> {
  const route = handler((req: Request) =>
    withTimings(async (timings) => {
      refuseWhileStopping(`send the ${spec.what}`);
      const deps: EdgeDeps = { ...edgeDefaults(), ...overrides };
      const user = await timed("session", () => deps.user());
      const attempt = new Attempt(spec.action, user, requestMeta(req), deps.audit);
      let input: z.infer<S>;
      let bodyRead = false;
      try {
        assertSameOrigin(req);
        requirePermission(user, spec.permission);
        bodyRead = true;
        input = await timed("input", () => readJson(req, spec.schema));
      } catch (err) {
        // Refused before the body was read (origin, permission): its `denied` row still names the
        // target when the body is a well-formed request, so the trail says what was attempted.
        if (!bodyRead) {
          const named = await readJson(req, spec.schema).catch(() => null);
          if (named) attempt.about(spec.identify(named, user).subject);
        }
        await recordDenied(attempt, err, "edge");
        await tarpit(user.username);
        throw err;
      }
      const { subject, idempotencyKey, fingerprint } = spec.identify(input, user);
      attempt.about(subject);
      const once = {
        key: idempotencyKey,
        fingerprint,
        maxWaitMs: spec.maxRunMs(),
        what: spec.what,
      };
      const answer = await runOnce(await deps.db(), once, async () => {
        try {
          const result = await spec.run(input, attempt);
          return { status: spec.status(result), body: result };
        } catch (err) {
          // Refused before the use case recorded anything: one `denied` row says who tried what and
          // why. Not when the audit trail itself is what failed: there is nowhere to write it.
          if (attempt.written.length === 0 && !isAppError(err, "audit_unavailable"))
            await recordDenied(attempt, err, "use-case");
          const { status, body } = toErrorResult(err);
          return { status, body };
        }
      });
      if (answer.replayed)
        log.info({ key: idempotencyKey, action: spec.action }, "idempotent replay of an answer");
      return Response.json(answer.body, {
        status: answer.status,
        headers: { "Cache-Control": "no-store", "Server-Timing": timings.header() },
      });
    }),
  );
  return (req) => mustFinish(() => route(req, undefined));
}
