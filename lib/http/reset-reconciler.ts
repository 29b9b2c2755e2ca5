import "server-only";
import { startReconciler } from "@/lib/desk/reset-reconcile";
import { pendingAnswersOf } from "@/lib/http/idempotency";
import { resetStatus } from "@/lib/http/reset-route";

/** Starts the crash reconciler of resets (lib/desk/reset-reconcile.ts), answering the pending
 * idempotency keys of attempts it settles the way POST /api/mmp/reset would have. */
export function startResetReconciler(): void {
  startReconciler({ answers: (db) => pendingAnswersOf(db, resetStatus) });
}
