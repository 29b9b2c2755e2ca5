import "server-only";
import { ConfigError } from "@/lib/config/load";
import { initConfig } from "@/lib/config/runtime";
import { startDemo } from "@/lib/server/demo";
import { installShutdown } from "@/lib/server/shutdown";
import { watchStreamSockets } from "@/lib/server/stream-sockets";
import { getDb } from "@/lib/db/client";
import { authSecret } from "@/lib/auth/secret";
import { startAuditVerifier } from "@/lib/audit/background";
import { startResetReconciler } from "@/lib/http/reset-reconciler";
import { prepareAuditTrail } from "@/lib/audit/prepare";
import { startMonitor } from "@/lib/live/monitor";
import { startCluster } from "@/lib/live/cluster";
import { startPublishing } from "@/lib/live/publish";
import { startDriftAlerts } from "@/lib/live/drift-alerts";
import { startLimitReconciler } from "@/lib/limits/reconcile";
import { startDesiredRefresh } from "@/lib/live/desired";
import { loadOpenFreezes } from "@/lib/live/freeze-since";
import { loadClearedFreezes } from "@/lib/desk/reset-ledger";
import { env, EnvError } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";

export async function startServer(): Promise<void> {
  try {
    // First: a bad environment variable stops the process here, with one line naming it.
    const { MMP_MONITOR, DATABASE_URL } = env();
    // SIGTERM/SIGINT from here on: streams end with a retry hint, resets in flight finish and
    // are audited, then the HTTP server closes (lib/server/shutdown.ts).
    installShutdown();
    // Sockets of live streams whose clients stopped reading are closed (lib/server/stream-sockets.ts).
    watchStreamSockets();
    // Before anything can read an account: every change of the account-state store (a poll, a
    // push, a reset's re-read, another process's share) reaches the streams from here on. Also
    // without the monitor, since resets and snapshots still read.
    startPublishing();
    // Rows whose live limits leave their desired state: audited, alerted once (issue 15).
    startDriftAlerts();
    const config = await initConfig(startDemo);
    const { dialect } = await getDb();
    await startDesiredRefresh(getDb);
    const misconfigured = config.accounts.filter((a) => a.missingEnv.length > 0).map((a) => a.id);
    log.info(
      { source: config.source, accounts: config.accounts.length, misconfigured, database: dialect },
      config.demo ? "MMP risk desk started in DEMO MODE" : "MMP risk desk started",
    );
    if (config.demo) {
      console.log(
        "\n  DEMO MODE: built-in exchange simulator, fictional accounts; no real venue is contacted.",
      );
    }
    // A real config needs a stable session key; fail at start, not at the first sign-in.
    authSecret(config.demo);
    // The audit trail's key (required outside demo), identity and anchor file; then its verifier
    // runs in the background (a full pass now), so no request ever waits for a verification.
    await prepareAuditTrail(config.demo);
    startAuditVerifier();
    // Resets left open by a process that died (this one's predecessor, or another on the same
    // database) are settled now and every few seconds: unknown, a re-read, resolved.
    startResetReconciler();
    // Limit changes whose sending process stopped: settled by a re-read, never sent again.
    startLimitReconciler();
    // Since when each row has been frozen, as the trigger history knows it (before the first poll
    // notes its own, later, time: the earlier one wins either way).
    await loadOpenFreezes();
    // Freezes a reset through the desk cleared (any process, any earlier run): a venue that keeps
    // reporting a trigger after it was reset must not read FROZEN again after a restart.
    await loadClearedFreezes(await getDb()).catch((err: unknown) =>
      log.error({ err }, "could not load the cleared freezes from the reset ledger"),
    );
    if (MMP_MONITOR !== "off") {
      if (dialect === "postgres" && DATABASE_URL) await startCluster(DATABASE_URL);
      else startMonitor();
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof EnvError) {
      console.error(`\nMMP risk desk: configuration error\n${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
