import { handler } from "@/lib/http/handler";
import { assertSameOrigin, readJson } from "@/lib/http/request";
import { requirePermission, requireUser } from "@/lib/auth/current-user";
import { auditDenied, requestMeta } from "@/lib/desk/reset-audit";
import { resetScope } from "@/lib/desk/reset";
import { resetRequestSchema } from "@/lib/model/reset-request";

export const dynamic = "force-dynamic";

// POST /api/mmp/reset – reset one frozen (account, scope), signed on the server, audited
export const POST = handler(async (req: Request) => {
  const user = await requireUser();
  const meta = requestMeta(req);
  let input;
  try {
    assertSameOrigin(req);
    requirePermission(user, "mmp.reset");
    input = await readJson(req, resetRequestSchema);
  } catch (err) {
    await auditDenied({ user, meta }, err);
    throw err;
  }
  const { status, body } = await resetScope(input, user, meta);
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
});
