import { handler } from "@/lib/http/handler";
import { requireOpsAccess } from "@/lib/auth/ops-access";
import { clusterRole } from "@/lib/live/cluster/role";
import { getConfig } from "@/lib/config/runtime";
import { hub } from "@/lib/live/hub";
import { rowsOf } from "@/lib/live/account-state";
import { metrics } from "@/lib/platform/metrics";
import { venueAccounts } from "@/lib/venues/account";
import { allClockOffsets } from "@/lib/venues/clock";

export const dynamic = "force-dynamic";

// GET /api/metrics – Prometheus text format
export const GET = handler(async (req: Request) => {
  await requireOpsAccess(req);
  const m = metrics;
  m.streamClients.set(hub.streams);
  m.leader.reset();
  const role = clusterRole();
  m.leader.set({ role }, role === "follower" ? 0 : 1);
  for (const { key, offsetMs } of allClockOffsets()) {
    const [venue = "unknown", baseUrl = ""] = key.split(" ");
    m.clockOffset.set({ venue, base_url: baseUrl }, offsetMs);
  }
  m.rows.reset();
  const counts = new Map<string, number>();
  for (const account of venueAccounts(await getConfig())) {
    for (const row of rowsOf(account)) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  }
  for (const [status, n] of counts) m.rows.set({ status }, n);
  return new Response(await m.registry.metrics(), {
    headers: { "Content-Type": m.registry.contentType, "Cache-Control": "no-store" },
  });
});
