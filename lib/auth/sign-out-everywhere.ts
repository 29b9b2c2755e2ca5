import "server-only";
import { z } from "zod";
import { appendAudit } from "@/lib/audit/append";
import { endUserSessions } from "@/lib/auth/sessions";
import type { CurrentUser } from "@/lib/model/roles";
import { AppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";

// An admin ends every session of a user at once (a lost laptop, a leaked cookie, someone leaving):
// each of that user's cookies gets 401 on its next request and their open streams close within a
// sweep (lib/auth/session-watch.ts). The user can sign in again unless their credentials changed
// too. Audited as one `auth.sign_out_everywhere` row by the admin naming the user and the count.

export const signOutEverywhereSchema = z
  .object({ username: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/) })
  .strict();

export interface SignOutEverywhereResult {
  username: string;
  /** How many live sessions were ended. */
  ended: number;
}

export async function signOutEverywhere(
  admin: CurrentUser,
  username: string,
  meta: { clientIp: string | null; userAgent: string | null },
): Promise<SignOutEverywhereResult> {
  const ended = await endUserSessions(username, `signed out everywhere by ${admin.username}`);
  // Revoked first: ending sessions is the safe direction, and must not wait on the trail. A trail
  // that cannot take the row is reported (the revocation stands).
  await appendAudit({
    actor: admin.username,
    role: admin.role,
    action: "auth.sign_out_everywhere",
    outcome: "ok",
    clientIp: meta.clientIp,
    userAgent: meta.userAgent,
    detail: `signed ${username} out everywhere: ${ended} session${ended === 1 ? "" : "s"} ended`,
  }).catch((err: unknown) => {
    log.error({ err, username, ended }, "sessions ended, but the audit row could not be written");
    throw new AppError(
      "audit_unavailable",
      `${username}'s sessions were ended, but the audit trail could not record it`,
    );
  });
  return { username, ended };
}
