import { handler } from "@/lib/http/handler";
import { requirePermission, requireSession } from "@/lib/auth/current-user";
import { watchSession } from "@/lib/auth/session-watch";
import { eventStream } from "@/lib/live/sse";
import { getDeskSnapshot } from "@/lib/desk/snapshot";

export const dynamic = "force-dynamic";

// GET /api/stream – live desk as server-sent events: a snapshot, then changes as they happen.
// The stream ends within seconds of its session ending (sign-out, revocation, a changed or
// removed user): lib/auth/session-watch.ts re-checks every open stream's session.
export const GET = handler(async (req: Request) => {
  const { user, claims } = await requireSession();
  requirePermission(user, "mmp.view");
  const snapshot = await getDeskSnapshot();
  const watch = (stop: () => void) => watchSession(claims, stop);
  return new Response(eventStream(snapshot, req.signal, watch), {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
