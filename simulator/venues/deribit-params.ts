import type { AccountState, ScopeState } from "@/simulator/state";
import type { RpcFailure } from "@/simulator/venues/deribit-auth";

// JSON-RPC params of the Deribit MMP methods, shared by deribit.ts and deribit-config.ts. A
// simulator scope is the venue's (index_name, mmp_group) pair written "btc_usd" (default group)
// or "btc_usd/mm1" (Mass Quote group).

export const INDEX = /^[a-z0-9]{2,15}_[a-z0-9]{2,15}$/;
export const GROUP = /^[A-Za-z0-9_-]{1,32}$/;

export type Params = Record<string, unknown>;
export type Answer = { result: unknown } | { error: RpcFailure };
export interface MmpCtx {
  account: AccountState;
  params: Params;
  now: number;
}

export function splitScope(scope: string): { index: string; group: string | null } {
  const [index = "", group] = scope.split("/");
  return { index, group: group ?? null };
}
export const scopeKey = (index: string, group: string | null) =>
  group ? `${index}/${group}` : index;

/** The account's scopes with the venue's `id` (1-based position) and their (index, group). */
export const scopeEntries = (account: AccountState) =>
  [...account.scopes.values()].map((s: ScopeState, i) => ({
    s,
    id: i + 1,
    ...splitScope(s.scope),
  }));

export const invalid = (reason: string, param: string): Answer => ({
  error: { code: -32602, message: "Invalid params", data: { reason, param } },
});
const str = (p: Params, k: string) => (typeof p[k] === "string" ? p[k] : undefined);
export const bool = (p: Params, k: string) => p[k] === true || p[k] === "true";
/** GET params arrive as strings, POST params as JSON numbers: accept both. */
export function num(p: Params, k: string): number | undefined | null {
  const v = p[k];
  if (v === undefined) return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

type Target = { index: string | null; group: string | null } | { error: Answer };

/** index_name ("all"/absent = every index unless required) and optional mmp_group. */
export function target(p: Params, required: boolean): Target {
  const index = str(p, "index_name");
  const group = str(p, "mmp_group");
  if (index === undefined || index === "all") {
    if (required) return { error: invalid('index_name is required (not "all")', "index_name") };
    if (group !== undefined)
      return { error: invalid("mmp_group needs an index_name", "mmp_group") };
    return { index: null, group: null };
  }
  if (!INDEX.test(index)) return { error: invalid(`unknown index_name ${index}`, "index_name") };
  if (group !== undefined && !GROUP.test(group))
    return { error: invalid("bad mmp_group", "mmp_group") };
  return { index, group: group ?? null };
}
