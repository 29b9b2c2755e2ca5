import { handler } from "@/lib/http/handler";
import { requireOpsAccess } from "@/lib/auth/ops-access";
import { health } from "@/lib/server/health";

export const dynamic = "force-dynamic";

// GET /api/health – liveness and readiness (database, monitor, leader or follower); 503 when not ready
export const GET = handler(async (req: Request) => {
  await requireOpsAccess(req);
  const h = await health();
  return Response.json(h, {
    status: h.ready ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
});
