import type { DeadManView } from "@/lib/model/types";
import type { VenueAccount } from "@/lib/venues/account";
import type { DeadManRead } from "@/lib/venues/types";

// What a row shows of its account's dead-man switch (issue 14): the venue's own words, never a
// verdict on the quoting engine ("healthy" is not knowable: no venue shows its heartbeat).

interface Stored {
  read: DeadManRead | null;
  fetchedAt: number | null;
  problem: string | null;
}

export function deadManView(account: VenueAccount, stored: Stored, scope: string): DeadManView {
  const unreadable = account.adapter?.readDeadMan ? null : account.adapter?.deadManUnreadable;
  if (unreadable)
    return {
      state: "not_readable",
      windowMs: null,
      reach: "account",
      note: unreadable,
      fetchedAt: null,
    };
  const { read, fetchedAt, problem } = stored;
  // A failed read shows as unknown with why, even if an older read said something: a switch
  // may have been disarmed since.
  if (!read || problem !== null)
    return {
      state: "unknown",
      windowMs: null,
      reach: "account",
      note: problem ?? "not read yet",
      fetchedAt,
    };
  if (read.scopes) {
    const own = read.scopes[scope] ?? { state: "off", windowMs: null };
    return { ...own, reach: "scope", note: read.note, fetchedAt };
  }
  const whole = read.account ?? { state: "off", windowMs: null };
  return { ...whole, reach: "account", note: read.note, fetchedAt };
}
