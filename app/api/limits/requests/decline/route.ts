import { declineChangeRoute } from "@/lib/http/limits-routes";

export const dynamic = "force-dynamic";

// POST /api/limits/requests/decline {id, diffHash, idempotencyKey} – admin: the change ends
// declined; nothing is sent.
export const POST = declineChangeRoute();
