import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getCurrentSession } from "@/lib/auth/current-user";
import { authOptions } from "@/lib/auth/options";
import { withSignInAttempt, type SignInAttempt } from "@/lib/auth/sign-in-throttle";
import { refuseBadAuthInput, signInThrottled } from "@/lib/http/nextauth-guard";
import { requestMeta } from "@/lib/http/request";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// GET/POST /api/auth/* – next-auth: sign-in, callback, session, sign-out, CSRF token. A password
// check runs with the request's client address in context (the throttle counts per address too),
// and one the throttle refused is answered 429 with Retry-After instead of next-auth's 401.
async function auth(req: NextRequest, ctx: Ctx): Promise<Response> {
  const path = (await ctx.params).nextauth;
  const refused = await refuseBadAuthInput(req, path);
  if (refused) return refused;
  // next-auth would describe (and renew) any well-signed cookie; one whose session has ended is
  // no session here either, as for every other route.
  if (path[0] === "session" && !(await getCurrentSession()))
    return Response.json({}, { headers: { "Cache-Control": "no-store" } });
  const attempt: SignInAttempt = requestMeta(req);
  const options = await authOptions();
  const res = (await withSignInAttempt(attempt, () => NextAuth(req, ctx, options))) as Response;
  if (attempt.refusedForMs === undefined) return res;
  return signInThrottled(attempt.refusedForMs, req.nextUrl.origin);
}

export { auth as GET, auth as POST };
