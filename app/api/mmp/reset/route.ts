import { handler } from "@/lib/api/handler";
import { assertSameOrigin, readJson } from "@/lib/api/request";
import { requirePermission } from "@/lib/auth/current-user";
import { resetScope } from "@/lib/mmp/reset-service";
import { resetRequestSchema } from "@/lib/validations/reset";

export const dynamic = "force-dynamic";

// POST /api/mmp/reset – reset one frozen (account, scope), signed on the server
export const POST = handler(async (req: Request) => {
  assertSameOrigin(req);
  const user = await requirePermission("mmp.reset");
  const input = await readJson(req, resetRequestSchema);
  const { httpStatus, result } = await resetScope(input, user);
  return Response.json(result, { status: httpStatus, headers: { "Cache-Control": "no-store" } });
});
