// Verifies the whole audit trail from row 1 and names the first bad row: every row's link and
// HMAC (MMP_AUDIT_KEYS), and every anchor in the anchor file (rows deleted from the end, rewritten,
// or their sequence numbers reused). Reset requests without a result are listed as warnings.
//   npm run verify-audit   (DATABASE_URL or MMP_SQLITE_PATH, MMP_AUDIT_KEYS, MMP_AUDIT_ANCHOR_PATH
//                           as the app has them)
// Exit code 0 = intact (warnings may be printed), 1 = altered, 2 = could not check.
import { anchorPathFor } from "@/lib/audit/anchor";
import { verificationKeys } from "@/lib/audit/keys";
import { verifyChain } from "@/lib/audit/verify";
import { openDb } from "@/lib/db/client";

function report(): Promise<number> {
  const handle = openDb();
  return (async () => {
    const anchorPath = await anchorPathFor(handle);
    const verdict = await verifyChain(handle, { keys: verificationKeys(), anchorPath });
    if (verdict.ok) {
      console.log(
        `OK: ${verdict.rows} rows, chain intact; head #${verdict.head?.seq ?? 0} ${verdict.head?.hash ?? "(empty)"}; anchored through #${verdict.anchoredSeq} (${anchorPath})`,
      );
    } else {
      console.log(`ALTERED: first bad row #${verdict.firstBad?.seq}: ${verdict.firstBad?.reason}`);
    }
    for (const note of verdict.notes) console.log(`note: ${note}`);
    if (verdict.unansweredCount > 0) {
      console.log(
        `WARNING: ${verdict.unansweredCount} reset request(s) without a result after the reset timeout:`,
      );
      for (const r of verdict.unanswered)
        console.log(
          `  #${r.seq} ${r.at} ${r.actor} ${r.accountId ?? "-"}/${r.scope ?? "-"} key ${r.idempotencyKey ?? "-"}`,
        );
    }
    return verdict.ok ? 0 : 1;
  })().finally(() => handle.db.destroy());
}

try {
  process.exitCode = await report();
} catch (err) {
  console.error(`cannot verify: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
