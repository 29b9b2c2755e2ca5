import "server-only";
import type { Attempt } from "@/lib/desk/reset-audit";
import { appErrorStatus } from "@/lib/http/errors";
import { AppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";

/** Records a refused attempt (no permission, bad origin, bad input, not frozen, busy…): one
 * `denied` row saying who tried what and why, with the status and code the caller gets. */
export async function recordDenied(attempt: Attempt, err: unknown): Promise<void> {
  const detail =
    err instanceof AppError ? `${appErrorStatus(err)} ${err.code}: ${err.message}` : "refused";
  // Nothing was sent, so the refusal stands even if it cannot be recorded; say so loudly.
  await attempt
    .record({ outcome: "denied", detail })
    .catch((auditErr: unknown) =>
      log.error({ err: auditErr, detail }, "audit write failed for a denied attempt"),
    );
}
