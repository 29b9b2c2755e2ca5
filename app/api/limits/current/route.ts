import { currentLimitsRoute } from "@/lib/http/limits-routes";

export const dynamic = "force-dynamic";

// GET /api/limits/current?accountId=…&scope=… – the scope's MMP limits at the venue now (one
// fresh read), for the Edit-limits form (trader, admin).
export const GET = currentLimitsRoute();
