import { handler } from "@/lib/http/handler";
import { requestMeta } from "@/lib/http/request";
import { requirePermission, requireSession } from "@/lib/auth/current-user";
import { watchSession } from "@/lib/auth/session-watch";
import { eventStream } from "@/lib/live/sse";
import { admitStream } from "@/lib/live/stream-limits";
import { getDeskSnapshot } from "@/lib/desk/snapshot";
import { refuseWhileStopping } from "@/lib/platform/lifecycle";

export const dynamic = "force-dynamic";

const HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-store, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

// GET /api/stream – live desk as server-sent events: a snapshot, then changes as they happen.
// Refused with 503 while the server shuts down, and with 429 beyond the open streams allowed per
// user and per client address (lib/live/stream-limits.ts) — both before the snapshot is built.
// The stream ends within seconds of its session ending (sign-out, revocation, a changed or
// removed user): lib/auth/session-watch.ts re-checks every open stream's session.
export const GET = handler(async (req: Request) => {
  refuseWhileStopping("open the live stream");
  const { user, claims } = await requireSession();
  requirePermission(user, "mmp.view");
  // Next answers HEAD with this handler and never reads the body: open no stream for it.
  if (req.method === "HEAD") return new Response(null, { headers: HEADERS });
  const slot = admitStream(user.username, requestMeta(req).clientIp);
  let snapshot;
  try {
    snapshot = await getDeskSnapshot();
  } catch (err) {
    slot.release();
    throw err;
  }
  const watch = (stop: () => void) => watchSession(claims, stop);
  return new Response(eventStream(slot, snapshot, req.signal, watch), { headers: HEADERS });
});
