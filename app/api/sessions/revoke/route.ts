import { requirePermission, requireUser } from "@/lib/auth/current-user";
import { signOutEverywhere, signOutEverywhereSchema } from "@/lib/auth/sign-out-everywhere";
import { handler } from "@/lib/http/handler";
import { assertSameOrigin, readJson, requestMeta } from "@/lib/http/request";

export const dynamic = "force-dynamic";

// POST /api/sessions/revoke {username} – admin only: end every session of that user ("sign out
// everywhere"). 401 without a session, 403 from another site or without the permission, then the
// body's schema. Repeating it is harmless (a second call ends nothing more), so it needs no
// idempotency key. Refusals change nothing and are not audited (so they cannot flood the trail);
// the revocation is.
export const POST = handler(async (req: Request) => {
  const user = await requireUser();
  assertSameOrigin(req);
  requirePermission(user, "sessions.revoke");
  const { username } = await readJson(req, signOutEverywhereSchema);
  const result = await signOutEverywhere(user, username, requestMeta(req));
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
});
