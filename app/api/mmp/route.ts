import { handler } from "@/lib/http/handler";
import { requirePermission, requireUser } from "@/lib/auth/current-user";
import { getDeskSnapshot } from "@/lib/desk/snapshot";

export const dynamic = "force-dynamic";

// GET /api/mmp – the normalised MMP state of every configured account and scope
export const GET = handler(async () => {
  requirePermission(await requireUser(), "mmp.view");
  return Response.json(await getDeskSnapshot(), { headers: { "Cache-Control": "no-store" } });
});
