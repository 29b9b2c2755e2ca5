import { resetRoute } from "@/lib/http/reset-route";

export const dynamic = "force-dynamic";

// POST /api/mmp/reset – reset one frozen (account, scope), signed on the server, audited. The
// edge (lib/http/state-changing.ts) authorises, validates, replays idempotent repeats and audits
// refusals; the use case (lib/desk/reset.ts) does the rest.
export const POST = resetRoute();
