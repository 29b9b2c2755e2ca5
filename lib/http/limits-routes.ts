import "server-only";
import { z } from "zod";
import { requirePermission, requireUser } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { stateChangingRoute, type EdgeDeps } from "@/lib/http/state-changing";
import { handler } from "@/lib/http/handler";
import { approveLimitChange, declineLimitChange } from "@/lib/limits/decide";
import { limitDefaults, type LimitDeps } from "@/lib/limits/deps";
import { limitsTarget, readLimitsNow } from "@/lib/limits/target";
import { expireDue } from "@/lib/limits/expire";
import { requestLimitChange } from "@/lib/limits/request";
import { listChanges, toView } from "@/lib/limits/store";
import { limitDecisionSchema, limitRequestSchema } from "@/lib/model/limit-change";
import type { LimitChangeView } from "@/lib/model/limit-change";
import { can } from "@/lib/model/roles";
import { AppError } from "@/lib/platform/errors";
import { settings } from "@/lib/config/settings";
import { getConfig } from "@/lib/config/runtime";

// The limit-change routes (issue 15) as the edge sees them; app/api/limits/… serve them. Built by
// functions so that tests run the same routes in-process with their own database and accounts.
// Every step answers 200 with the change as it now stands (its status says what happened); a
// refusal is the one error shape.

type Deps = { edge?: Partial<EdgeDeps>; limits?: Partial<LimitDeps> };

/** One run: a read before, the set call, up to three re-reads with their pauses, and margin. */
const maxRunMs = () => {
  const s = settings();
  return 4 * s.readTimeoutMs + s.resetTimeoutMs + 3000 + 5000;
};
const ok = () => 200;

export function requestChangeRoute(deps: Deps = {}) {
  return stateChangingRoute<typeof limitRequestSchema, LimitChangeView>(
    {
      permission: "mmp.limits.request",
      action: "mmp.limits.request",
      schema: limitRequestSchema,
      what: "limit change request",
      identify: (input, user) => ({
        subject: {
          accountId: input.accountId,
          scope: input.scope,
          idempotencyKey: input.idempotencyKey,
        },
        idempotencyKey: input.idempotencyKey,
        fingerprint: `${user.username}|limits|${input.accountId}|${input.scope}|${JSON.stringify(input.after)}`,
      }),
      maxRunMs,
      run: (input, attempt) => requestLimitChange(input, attempt, deps.limits),
      status: ok,
    },
    deps.edge,
  );
}

function decisionRoute(kind: "approve" | "decline", deps: Deps) {
  return stateChangingRoute<typeof limitDecisionSchema, LimitChangeView>(
    {
      permission: "mmp.limits.approve",
      action: "mmp.limits.decide",
      schema: limitDecisionSchema,
      what: `limit change ${kind === "approve" ? "approval" : "decline"}`,
      identify: (input, user) => ({
        subject: { idempotencyKey: input.idempotencyKey },
        idempotencyKey: input.idempotencyKey,
        fingerprint: `${user.username}|${kind}|${input.id}|${input.diffHash}`,
      }),
      maxRunMs,
      run: (input, attempt) =>
        (kind === "approve" ? approveLimitChange : declineLimitChange)(input, attempt, deps.limits),
      status: ok,
    },
    deps.edge,
  );
}

export const approveChangeRoute = (deps: Deps = {}) => decisionRoute("approve", deps);
export const declineChangeRoute = (deps: Deps = {}) => decisionRoute("decline", deps);

const currentQuery = z.strictObject({
  accountId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  scope: z.string().min(1).max(64),
});

/** GET ?accountId&scope: the scope's limits at the venue now (one fresh, guarded read), so the
 * form starts from the venue's values, including fields the desk's rows do not carry (a max
 * quote quantity). For whoever may request a change. */
export function currentLimitsRoute(
  deps: { user?: EdgeDeps["user"]; limits?: Partial<LimitDeps> } = {},
) {
  return handler(async (req: Request) => {
    const user = await (deps.user ?? requireUser)();
    requirePermission(user, "mmp.limits.request");
    const query = currentQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!query.success) throw new AppError("invalid_query", "accountId and scope are required");
    const limits = { ...limitDefaults(), ...deps.limits };
    const target = await limitsTarget(limits, query.data.accountId, query.data.scope);
    const current = await readLimitsNow(limits, target);
    return Response.json(
      { venue: target.account.account.venue, limits: current },
      { headers: { "Cache-Control": "no-store" } },
    );
  });
}

/** GET: the changes, pending first; for whoever may request or approve them. */
export function listChangesRoute(deps: { user?: EdgeDeps["user"]; db?: EdgeDeps["db"] } = {}) {
  return handler(async () => {
    const user = await (deps.user ?? requireUser)();
    if (!can(user.role, "mmp.limits.request") && !can(user.role, "mmp.limits.approve"))
      throw new AppError("forbidden", "you may not see limit changes");
    const db = await (deps.db ?? getDb)();
    const now = Date.now();
    await expireDue(db, now);
    const labels = new Map((await getConfig()).accounts.map((a) => [a.id, a.label] as const));
    const changes = (await listChanges(db)).map((row) =>
      toView(row, now, labels.get(row.account_id)),
    );
    return Response.json(
      { changes, serverTime: now },
      { headers: { "Cache-Control": "no-store" } },
    );
  });
}
