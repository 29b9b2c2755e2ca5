import { approveChangeRoute } from "@/lib/http/limits-routes";

export const dynamic = "force-dynamic";

// POST /api/limits/requests/approve {id, diffHash, idempotencyKey} – admin, never the requester:
// re-reads the venue, sends the set call once if it still shows the request's "before", re-reads
// and answers the change as verified / unverified / stale / failed / unknown.
export const POST = approveChangeRoute();
