// Recomputes the audit trail's hash chain and names the first bad row.
//   npm run verify-audit         (uses DATABASE_URL or MMP_SQLITE_PATH like the app)
// Exit code 0 = intact, 1 = altered, 2 = could not check.
import { openDb } from "@/lib/db/client";
import { verifyChain } from "@/lib/audit/verify";

const { db } = openDb();
try {
  const verdict = await verifyChain(db);
  if (verdict.ok) {
    console.log(
      `OK: ${verdict.rows} rows, chain intact; head #${verdict.head?.seq ?? 0} ${verdict.head?.hash ?? "(empty)"}`,
    );
  } else {
    console.log(`ALTERED: first bad row #${verdict.firstBad?.seq}: ${verdict.firstBad?.reason}`);
  }
  process.exitCode = verdict.ok ? 0 : 1;
} catch (err) {
  console.error(`cannot verify: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
} finally {
  await db.destroy();
}
