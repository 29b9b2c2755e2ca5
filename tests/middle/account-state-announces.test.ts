import { describe, expect, it } from "vitest";
import { configSchema } from "@/lib/config/schema";
import { resolveAccounts } from "@/lib/config/load";
import { settings } from "@/lib/config/settings";
import {
  announce,
  applyPushTrigger,
  exportEntry,
  importEntry,
  onAccountChange,
  readAccount,
  readAccountNow,
  readProblem,
  rowsOf,
  versionOf,
  type AccountChange,
} from "@/lib/live/account-state";
import { resolveVenueAccount, type UsableVenueAccount } from "@/lib/venues/account";
import { VenueError } from "@/lib/venues/errors";
import type { ScopeRead, VenueAdapter } from "@/lib/venues/types";

// The account-state store announces every change itself (a read landing, failed or not; a pushed
// trigger; state imported from another process), once and before the call that made it returns,
// so no writer has to remember to publish. Runs in-process against a scripted adapter.

let n = 0;
const active = (scope: string): ScopeRead => ({
  scope,
  state: {
    status: "active",
    frozenUntil: null,
    windowMs: 5000,
    frozenPeriodMs: 60_000,
    qtyLimit: "1",
    deltaLimit: null,
    vegaLimit: null,
    lastTriggerAt: null,
    problem: null,
  },
});

/** A fresh account whose venue answers with `answer` (called once per upstream read). */
function scripted(answer: () => Promise<ScopeRead[]>) {
  n += 1;
  const file = configSchema.parse({
    accounts: [
      {
        id: `announce-${n}`,
        label: "Scripted",
        venue: "binance",
        baseUrl: "http://127.0.0.1:9",
        apiKeyEnv: "SCRIPTED_KEY",
        apiSecretEnv: "SCRIPTED_SECRET",
        scopes: ["A", "B"],
      },
    ],
  });
  const [config] = resolveAccounts(file, { SCRIPTED_KEY: "k", SCRIPTED_SECRET: "s" });
  const resolved = resolveVenueAccount(config!, settings());
  if (resolved.problem) throw new Error(resolved.problem.message);
  const calls = { reads: 0 };
  const adapter: VenueAdapter = {
    ...resolved.adapter,
    readScopes: () => {
      calls.reads += 1;
      return answer();
    },
  };
  const account: UsableVenueAccount = { ...resolved, adapter };
  const changes: AccountChange[] = [];
  const stop = onAccountChange((c) => {
    if (c.account.account.id === account.account.id) changes.push(c);
  });
  return { account, calls, changes, stop };
}

describe("the account-state store announces itself", () => {
  it("a read is announced once as it lands, whether it succeeds or fails", async () => {
    let fail = false;
    const s = scripted(() =>
      fail
        ? Promise.reject(new VenueError("auth", "API key rejected"))
        : Promise.resolve([active("A"), active("B")]),
    );
    const reading = readAccountNow(s.account);
    expect(s.changes).toHaveLength(0);
    await reading;
    expect(s.changes).toEqual([{ account: s.account, remote: false }]);
    expect(rowsOf(s.account).map((r) => r.status)).toEqual(["active", "active"]);

    fail = true;
    await readAccountNow(s.account);
    expect(s.changes).toHaveLength(2);
    expect(readProblem(s.account)?.code).toBe("auth");
    s.stop();
  });

  it("callers sharing one read share one announcement; a read served from memory announces nothing", async () => {
    const s = scripted(() => Promise.resolve([active("A"), active("B")]));
    await Promise.all([readAccount(s.account, 0), readAccount(s.account, 0)]);
    expect(s.calls.reads).toBe(1);
    expect(s.changes).toHaveLength(1);
    await readAccount(s.account, 60_000);
    expect(s.calls.reads).toBe(1);
    expect(s.changes).toHaveLength(1);
    s.stop();
  });

  it("announce() re-announces unchanged state, and versionOf counts every announcement", async () => {
    const s = scripted(() => Promise.resolve([active("A"), active("B")]));
    const id = s.account.account.id;
    const v0 = versionOf(id);
    await readAccountNow(s.account);
    expect(versionOf(id)).toBe(v0 + 1);
    announce(s.account);
    expect(versionOf(id)).toBe(v0 + 2);
    expect(s.changes).toHaveLength(2);
    s.stop();
  });

  it("a pushed trigger on a scope it has read is announced; an unknown scope changes nothing", async () => {
    const s = scripted(() => Promise.resolve([active("A"), active("B")]));
    await readAccountNow(s.account);
    applyPushTrigger(s.account, "Z", null);
    expect(s.changes).toHaveLength(1);
    applyPushTrigger(s.account, "B", null);
    expect(s.changes).toHaveLength(2);
    expect(rowsOf(s.account).find((r) => r.scope === "B")?.status).toBe("frozen");
    s.stop();
  });

  it("state from another process is announced as remote; older state than ours is ignored", async () => {
    const source = scripted(() => Promise.resolve([active("A"), active("B")]));
    await readAccountNow(source.account);
    // Read a second earlier than ours below: two reads in one millisecond would tie, and a tie is
    // (rightly) adopted, which is not what this case is about.
    const exported = exportEntry(source.account.account.id);
    const shared = { ...exported, attemptedAt: (exported.attemptedAt ?? 0) - 1000 };
    const s = scripted(() => Promise.resolve([active("A")]));
    expect(importEntry(s.account, shared)).toBe(true);
    expect(s.changes).toEqual([{ account: s.account, remote: true }]);
    expect(rowsOf(s.account)).toHaveLength(2);
    await readAccountNow(s.account);
    expect(importEntry(s.account, shared)).toBe(false);
    expect(s.changes).toHaveLength(2);
    source.stop();
    s.stop();
  });
});

const frozen = (scope: string): ScopeRead => ({
  scope,
  state: { ...active(scope).state, status: "frozen", lastTriggerAt: Date.now() },
});

describe("an older read never replaces a newer one", () => {
  it("a slow read that started first lands after a newer one from another process: the newer rows stay", async () => {
    // Our read answers ACTIVE (taken before the freeze) but slowly; meanwhile another process
    // shares a read that started later and saw the freeze. Before the fix our late answer
    // overwrote it, and a reset of the frozen row was refused as "not frozen" (seen in CI).
    let release: (reads: ScopeRead[]) => void = () => {};
    const s = scripted(() => new Promise<ScopeRead[]>((resolve) => (release = resolve)));
    const slow = readAccountNow(s.account);
    await new Promise((r) => setTimeout(r, 5));
    const later = Date.now();
    const shared = {
      reads: [frozen("A"), active("B")],
      fetchedAt: later,
      readStartedAt: later,
      attemptedAt: later,
      problem: null,
    };
    expect(importEntry(s.account, shared)).toBe(true);
    release([active("A"), active("B")]);
    await slow;
    expect(rowsOf(s.account).find((r) => r.scope === "A")?.status).toBe("frozen");
    expect(exportEntry(s.account.account.id).readStartedAt).toBe(later);
    s.stop();
  });

  it("another process's newer attempt that failed brings its failure, not its older rows", async () => {
    const s = scripted(() => Promise.resolve([frozen("A"), active("B")]));
    await readAccountNow(s.account);
    const ours = exportEntry(s.account.account.id);
    const staleFailure = {
      reads: [active("A"), active("B")],
      fetchedAt: (ours.fetchedAt ?? 0) - 5000,
      readStartedAt: (ours.readStartedAt ?? 0) - 5000,
      attemptedAt: (ours.attemptedAt ?? 0) + 1000,
      problem: { code: "timeout", message: "read timed out" },
    };
    expect(importEntry(s.account, staleFailure)).toBe(true);
    expect(rowsOf(s.account).find((r) => r.scope === "A")?.lastTriggerAt).not.toBeNull();
    expect(readProblem(s.account)?.code).toBe("timeout");
    expect(
      importEntry(s.account, {
        ...staleFailure,
        problem: null,
        attemptedAt: staleFailure.attemptedAt + 1,
      }),
    ).toBe(false);
    s.stop();
  });
});
