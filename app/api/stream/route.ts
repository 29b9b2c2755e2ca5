import { handler } from "@/lib/http/handler";
import { requirePermission, requireUser } from "@/lib/auth/current-user";
import { eventStream } from "@/lib/live/sse";
import { getDeskSnapshot } from "@/lib/desk/snapshot";

export const dynamic = "force-dynamic";

// GET /api/stream – live desk as server-sent events: a snapshot, then changes as they happen
export const GET = handler(async (req: Request) => {
  requirePermission(await requireUser(), "mmp.view");
  const snapshot = await getDeskSnapshot();
  return new Response(eventStream(snapshot, req.signal), {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
