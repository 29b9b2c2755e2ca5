import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { refuseBadAuthInput } from "@/lib/http/nextauth-guard";
import { authOptions } from "@/lib/auth/options";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// GET/POST /api/auth/* – next-auth: sign-in, callback, session, sign-out, CSRF token
async function auth(req: NextRequest, ctx: Ctx): Promise<Response> {
  const refused = await refuseBadAuthInput(req, (await ctx.params).nextauth);
  if (refused) return refused;
  return (await NextAuth(req, ctx, await authOptions())) as Response;
}

export { auth as GET, auth as POST };
