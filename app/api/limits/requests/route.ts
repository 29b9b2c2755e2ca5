import { listChangesRoute, requestChangeRoute } from "@/lib/http/limits-routes";

export const dynamic = "force-dynamic";

// GET /api/limits/requests – the MMP limit changes, pending first (trader, admin).
// POST /api/limits/requests – "Request change" {accountId, scope, after, confirmSwitchOff?,
// idempotencyKey}: validated against the venue's ranges and the firm's policy, recorded as pending
// for another user's approval. Nothing is sent to the venue but one read.
export const GET = listChangesRoute();
export const POST = requestChangeRoute();
