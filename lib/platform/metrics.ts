import "server-only";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { singleton } from "@/lib/platform/singleton";

// Prometheus metrics for the operator (GET /api/metrics). Values that already live elsewhere
// (stream clients, leadership, clock offsets) are read at scrape time by the route.

export const metrics = singleton("metrics", () => {
  const registry = new Registry();
  registry.setDefaultLabels({ app: "mmp_risk_desk" });
  return {
    registry,
    pollSeconds: new Histogram({
      name: "mmp_poll_duration_seconds",
      help: "Duration of one account read (all its scopes) by venue",
      labelNames: ["venue"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: "mmp_upstream_errors_total",
      help: "Venue call failures by venue and error code",
      labelNames: ["venue", "code"],
      registers: [registry],
    }),
    resetOutcomes: new Counter({
      name: "mmp_reset_outcomes_total",
      help: "Audit rows of reset attempts by outcome",
      labelNames: ["venue", "outcome"],
      registers: [registry],
    }),
    streamClients: new Gauge({
      name: "mmp_stream_clients",
      help: "Open live streams on this process",
      registers: [registry],
    }),
    leader: new Gauge({
      name: "mmp_leader",
      help: "1 when this process polls the venues",
      labelNames: ["role"],
      registers: [registry],
    }),
    clockOffset: new Gauge({
      name: "mmp_clock_offset_ms",
      help: "Measured venue clock minus ours, by venue and base URL",
      labelNames: ["venue", "base_url"],
      registers: [registry],
    }),
    rows: new Gauge({
      name: "mmp_rows",
      help: "Desk rows by status",
      labelNames: ["status"],
      registers: [registry],
    }),
    // The audit trail's background verifier (lib/audit/background.ts) sets these.
    auditChainOk: new Gauge({
      name: "mmp_audit_chain_ok",
      help: "1 unless verification found the audit trail altered (then 0)",
      registers: [registry],
    }),
    auditFirstBadSeq: new Gauge({
      name: "mmp_audit_first_bad_seq",
      help: "Sequence number of the first altered audit row (0 while intact)",
      registers: [registry],
    }),
    auditVerifiedSeq: new Gauge({
      name: "mmp_audit_verified_seq",
      help: "Audit row the background verifier has verified through (0 until its first pass)",
      registers: [registry],
    }),
    auditUnanswered: new Gauge({
      name: "mmp_audit_unanswered_requests",
      help: "Reset requests without a result row after the reset timeout",
      registers: [registry],
    }),
    auditAnchorErrors: new Counter({
      name: "mmp_audit_anchor_errors_total",
      help: "Failed writes of the audit chain head to the anchor file",
      registers: [registry],
    }),
    driftDetected: new Counter({
      name: "mmp_limit_drift_detected_total",
      help: "Rows whose live MMP limits left their desired state (kind: off | limits)",
      labelNames: ["venue", "kind"],
      registers: [registry],
    }),
    rowsInDrift: new Gauge({
      name: "mmp_rows_in_drift",
      help: "Rows whose live MMP limits differ from their desired state now",
      registers: [registry],
    }),
  };
});
