import { z } from "zod";
import { AppError } from "@/lib/platform/errors";
import { handler } from "@/lib/http/handler";
import { requirePermission, requireUser } from "@/lib/auth/current-user";
import { deskHistory, rowHistory, rowLimitEvents } from "@/lib/live/trigger-history";
import type { TriggerHistory } from "@/lib/model/types";

export const dynamic = "force-dynamic";

const query = z.object({
  row: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}\/[A-Za-z0-9_/-]{1,64}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

// GET /api/mmp/history – trigger history of one row (?row=) or of the whole desk (last 24 h)
export const GET = handler(async (req: Request) => {
  requirePermission(await requireUser(), "mmp.view");
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) throw new AppError("invalid_query", "invalid history query");
  const { row, limit } = parsed.data;
  const body: TriggerHistory = row
    ? {
        events: await rowHistory(row, limit),
        buckets: [],
        limitEvents: await rowLimitEvents(row, limit),
      }
    : await deskHistory();
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});
