import "server-only";
import { singleton } from "@/lib/platform/singleton";

// This process's part in a deployment. "single": the only process (SQLite, or clustering off).
// "leader": polls the venues and records history for everyone. "follower": serves browsers from
// the state the leader shares, never polls.
export type ClusterRole = "single" | "leader" | "follower";

export const roleState = singleton("cluster-role", () => ({
  role: "single" as ClusterRole,
  since: Date.now(),
}));

export const clusterRole = (): ClusterRole => roleState.role;
export const clustered = (): boolean => roleState.role !== "single";
/** Only one process writes trigger history and calls the webhook. */
export const isRecorder = (): boolean => roleState.role !== "follower";

export function setRole(role: ClusterRole): void {
  if (roleState.role === role) return;
  roleState.role = role;
  roleState.since = Date.now();
}
