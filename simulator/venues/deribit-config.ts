import { ScopeState, type AccountState } from "@/simulator/state";
import {
  bool,
  invalid,
  num,
  scopeEntries,
  scopeKey,
  splitScope,
  target,
  type Answer,
  type MmpCtx,
} from "@/simulator/venues/deribit-params";

// Deribit's MMP configuration: get_mmp_config's entries and set_mmp_config, with the venue's
// validation and its side effect. interval and frozen_time travel in SECONDS, limits as numbers
// with at most 4 decimals. The v2 reference says a set triggers an MMP reset (venues.md
// 2026-11), so a set unfreezes the scope and restarts its counters, as reset_mmp does.

const MAX_SECONDS = 3600;
const MAX_DECIMALS = 4;
const LIMITS = ["quantity_limit", "delta_limit", "vega_limit", "max_quote_quantity"] as const;

/** A limit the scope does not have ("0" or null in the simulator) is left out, as on the venue. */
function limit(name: string, value: string | null | undefined) {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n > 0 ? { [name]: n } : {};
}

/** Digits after the point of the number as written in its shortest form (1.5e-7 → 8). */
function decimalsOf(n: number): number {
  const [mantissa = "", exp = "0"] = String(n).split("e");
  return Math.max(0, (mantissa.split(".")[1]?.length ?? 0) - Number(exp));
}

/** The set's params checked as the venue does: the values, or the -32602 to answer. */
function checkSet(params: MmpCtx["params"]) {
  const refuse = (reason: string, param: string) => ({ error: invalid(reason, param) });
  const interval = num(params, "interval");
  const frozen = num(params, "frozen_time");
  for (const [k, v] of [
    ["interval", interval],
    ["frozen_time", frozen],
  ] as const) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_SECONDS)
      return refuse(`${k} must be an integer number of seconds, 0-${MAX_SECONDS}`, k);
  }
  const values = LIMITS.map((k) => num(params, k));
  const bad = values.findIndex(
    (v) => v === null || (v !== undefined && (v < 0 || decimalsOf(v) > MAX_DECIMALS)),
  );
  if (bad >= 0) {
    const name = LIMITS[bad] ?? "quantity_limit";
    return refuse(
      `${name} must be a non-negative number with at most ${MAX_DECIMALS} decimals`,
      name,
    );
  }
  const [qty, delta, vega, mqq] = values.map((v) => v ?? undefined);
  // interval 0 removes the configuration: no limit is needed for that.
  if (interval !== 0) {
    if (qty === undefined && delta === undefined && vega === undefined)
      return refuse(
        "set at least one of quantity_limit, delta_limit, vega_limit",
        "quantity_limit",
      );
    // Required since 2026-11 (venues.md).
    if (mqq === undefined) return refuse("max_quote_quantity is required", "max_quote_quantity");
  }
  return { interval: interval ?? 0, frozen: frozen ?? 0, qty, delta, vega, mqq };
}

/** get_mmp_config and set_mmp_config; `watch` hooks a scope the set creates into the push hub. */
export function createDeribitConfigs(watch: (account: AccountState, scope: ScopeState) => void) {
  /** max_quote_quantity set through set_mmp_config, per "apiKey scope"; default = qty limit. */
  let maxQuote = new Map<string, number>();

  const wire = (account: AccountState, s: ScopeState, id: number) => {
    const { index, group } = splitScope(s.scope);
    const c = s.config;
    const mqq = maxQuote.get(`${account.apiKey} ${s.scope}`);
    return {
      index_name: index,
      ...(group ? { mmp_group: group } : {}),
      id,
      // interval 0 is how the venue shows (and sets) "MMP removed".
      interval: c.enabled ? Math.round(c.windowMs / 1000) : 0,
      frozen_time: Math.round(c.frozenPeriodMs / 1000),
      ...limit("quantity_limit", c.qtyLimit),
      ...limit("delta_limit", c.deltaLimit),
      ...limit("vega_limit", c.vegaLimit),
      // A value set explicitly is reported as set, 0 included.
      ...(mqq === undefined
        ? limit("max_quote_quantity", c.qtyLimit)
        : { max_quote_quantity: mqq }),
    };
  };

  function get({ account, params }: MmpCtx): Answer {
    const t = target(params, false);
    if ("error" in t) return t.error;
    if (bool(params, "block_rfq")) return { result: [] };
    // With an index_name and no group: the default group only ("regular orders").
    const list = scopeEntries(account).filter(
      (e) => t.index === null || (e.index === t.index && e.group === t.group),
    );
    return { result: list.map((e) => wire(account, e.s, e.id)) };
  }

  function set({ account, params, now }: MmpCtx): Answer {
    const t = target(params, true);
    if ("error" in t) return t.error;
    if (bool(params, "block_rfq")) return invalid("block_rfq MMP is not simulated", "block_rfq");
    const checked = checkSet(params);
    if ("error" in checked) return checked.error;
    const { interval, frozen, qty, delta, vega, mqq } = checked;
    const key = scopeKey(t.index ?? "", t.group);
    let s = account.scopes.get(key);
    s?.reset(now);
    if (interval === 0) {
      s?.patch({ enabled: false });
    } else {
      // The venue's set replaces the whole configuration: an omitted limit is no limit.
      const cfg = {
        enabled: true,
        windowMs: interval * 1000,
        frozenPeriodMs: frozen * 1000,
        qtyLimit: String(qty ?? 0),
        deltaLimit: String(delta ?? 0),
        vegaLimit: vega === undefined ? null : String(vega),
      };
      if (s) s.patch(cfg);
      else {
        s = new ScopeState(key, cfg);
        account.scopes.set(key, s);
        watch(account, s);
      }
    }
    if (mqq !== undefined) maxQuote.set(`${account.apiKey} ${key}`, mqq);
    const entry = scopeEntries(account).find((e) => e.s === s);
    return { result: entry ? [wire(account, entry.s, entry.id)] : [] };
  }

  return {
    get,
    set,
    restore() {
      maxQuote = new Map();
    },
  };
}
