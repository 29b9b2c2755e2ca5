import "server-only";
import { timingSafeEqual } from "node:crypto";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import { getCurrentUser } from "@/lib/auth/current-user";

// Health and metrics are for operators and their tools: a signed-in user of any role, or a
// scraper/load balancer presenting `Authorization: Bearer $MMP_OPS_TOKEN`. Without either: 401,
// like every other API route.
export async function requireOpsAccess(req: Request): Promise<void> {
  const token = env().MMP_OPS_TOKEN;
  const header = req.headers.get("authorization") ?? "";
  if (token && header.startsWith("Bearer ")) {
    const given = Buffer.from(header.slice(7));
    const expected = Buffer.from(token);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    throw new AppError("unauthenticated", "invalid ops token");
  }
  if (!(await getCurrentUser()))
    throw new AppError("unauthenticated", "sign in or present the ops token");
}
