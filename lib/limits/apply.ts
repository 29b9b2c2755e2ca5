import "server-only";
import type { LimitChangeTable } from "@/lib/db/schema";
import type { Attempt } from "@/lib/desk/reset-audit";
import type { LimitDeps } from "@/lib/limits/deps";
import { sameLimits, toView, transition } from "@/lib/limits/store";
import { limitsTarget, readLimitsNow, type LimitsTarget } from "@/lib/limits/target";
import type { LimitChangeStatus, LimitChangeView } from "@/lib/model/limit-change";
import type { MmpLimits } from "@/lib/model/limits";
import { AppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";
import { saveDesired } from "@/lib/live/desired";
import { VenueError, isVenueError } from "@/lib/venues/errors";
import { guardedReset } from "@/lib/venues/guard";

// An approved change, sent safely (issue 15, point 2): the venue is read again first, and if it
// no longer shows the request's "before" nothing is sent ("changed at the venue since the
// request"). Otherwise `sent` goes into the audit trail, the set call goes out once, and a
// re-read marks the change verified or unverified. An unknown outcome is never retried: the
// re-read decides what is reported.

const parse = (text: string) => JSON.parse(text) as MmpLimits;

/** Pauses before a second and third try of the re-read after a set call. */
const REREAD_PAUSES_MS = [1000, 2000];

/** The venue's values after the set call. A read is safe to repeat (never the set call): a
 * venue whose read budget the poller shares (5 reads per 2 s on one venue) may refuse it. */
async function reread(deps: LimitDeps, target: LimitsTarget): Promise<MmpLimits | null> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await readLimitsNow(deps, target);
    } catch (err) {
      const pause = REREAD_PAUSES_MS[attempt];
      const retryable =
        isVenueError(err) && (err.kind === "rate_limited" || err.kind === "unavailable");
      if (!retryable || pause === undefined) {
        log.warn({ err, scope: target.scope }, "limit change: re-read failed");
        return null;
      }
      await new Promise((r) =>
        setTimeout(r, Math.min(Math.max(pause, err.details.retryAfterMs ?? 0), 5000)),
      );
    }
  }
}

async function finish(
  deps: LimitDeps,
  row: LimitChangeTable,
  to: LimitChangeStatus,
  readAfter: MmpLimits | null,
  detail: string | null,
): Promise<LimitChangeView> {
  const fields = { read_after_json: readAfter ? JSON.stringify(readAfter) : null, detail };
  const db = await deps.db();
  await transition(db, row.id, "sending", to, fields);
  // A verified change is the row's desired state from now on: drift is judged against it.
  if (to === "verified" && readAfter)
    await saveDesired(
      db,
      `${row.account_id}/${row.scope}`,
      readAfter,
      row.decided_by ?? "?",
      row.id,
    ).catch((err: unknown) =>
      log.error({ err, change: row.id }, "could not store the desired limits"),
    );
  return toView({ ...row, ...fields, status: to }, deps.now());
}

export async function applyApproved(
  deps: LimitDeps,
  attempt: Attempt,
  row: LimitChangeTable,
): Promise<LimitChangeView> {
  const before = parse(row.before_json);
  const after = parse(row.after_json);
  let target: LimitsTarget;
  let live: MmpLimits | null;
  try {
    target = await limitsTarget(deps, row.account_id, row.scope);
    live = await readLimitsNow(deps, target);
  } catch (err) {
    // Nothing sent. An approval is for the venue as it was reviewed: the change ends here (stale)
    // and a new request can be made once the venue answers.
    const message = err instanceof Error ? err.message : String(err);
    await attempt.record({
      outcome: "stale",
      stateBefore: before,
      detail: `change ${row.id}: cannot read the venue before sending (${message}): nothing was sent`,
    });
    return finish(deps, row, "stale", null, `cannot read the venue before sending: ${message}`);
  }
  if (!live || !sameLimits(live, before)) {
    await attempt.record({
      outcome: "stale",
      stateBefore: before,
      stateAfter: live,
      detail: `change ${row.id}: changed at the venue since the request: nothing was sent`,
    });
    return finish(deps, row, "stale", live, "changed at the venue since the request");
  }
  try {
    await attempt.record({
      outcome: "sent",
      stateBefore: before,
      stateAfter: after,
      detail: `change ${row.id}`,
    });
  } catch {
    await finish(deps, row, "stale", null, "the audit trail cannot be written: nothing was sent");
    throw new AppError(
      "audit_unavailable",
      "the audit trail cannot be written, so nothing was sent",
    );
  }
  const { guard, ctx } = target.account;
  const started = performance.now();
  try {
    const receipt = await guardedReset(
      guard,
      () => target.setLimits(ctx, row.scope, after),
      deps.guard(),
    );
    const latencyMs = Math.round(performance.now() - started);
    const readAfter = await reread(deps, target);
    const verified = readAfter !== null && sameLimits(readAfter, after);
    await attempt.record({
      outcome: verified ? "verified" : "unverified",
      stateBefore: before,
      stateAfter: readAfter,
      venueMessage: receipt.venueAnswer,
      latencyMs,
      detail: `change ${row.id}${verified ? "" : ": the venue does not show the requested values"}`,
    });
    return finish(deps, row, verified ? "verified" : "unverified", readAfter, null);
  } catch (err) {
    const latencyMs = Math.round(performance.now() - started);
    if (err instanceof VenueError && err.kind !== "unknown_outcome") {
      await attempt.record({
        outcome: "rejected",
        stateBefore: before,
        venueCode: err.details.venueCode ?? err.kind,
        venueMessage: err.message,
        latencyMs,
        detail: `change ${row.id}`,
      });
      return finish(deps, row, "failed", null, err.message);
    }
    const reason = err instanceof Error ? err.message : String(err);
    await attempt.record({
      outcome: "unknown",
      stateBefore: before,
      venueMessage: reason,
      latencyMs,
      detail: `change ${row.id}`,
    });
    // Look, never send again: the venue's values now decide what is reported.
    const readAfter = await reread(deps, target);
    const applied = readAfter !== null && sameLimits(readAfter, after);
    await attempt.record({
      outcome: applied ? "verified" : "unverified",
      stateBefore: before,
      stateAfter: readAfter,
      detail: `change ${row.id}: after an unknown outcome, a re-read ${applied ? "shows the requested values" : readAfter ? "shows other values" : "failed"}`,
    });
    return finish(
      deps,
      row,
      applied ? "verified" : "unknown",
      readAfter,
      applied ? null : `outcome unknown (${reason}); see the venue`,
    );
  }
}
