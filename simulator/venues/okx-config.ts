import type { SimResponse } from "@/simulator/http";
import { ScopeState, type AccountState } from "@/simulator/state";
import { okxError, okxOk } from "@/simulator/venues/okx-auth";

// OKX's MMP set, POST /api/v5/account/mmp-config {instFamily, timeInterval, frozenInterval,
// qtyLimit}: all four required strings, durations whole ms, qtyLimit a positive number of
// contracts. timeInterval "0" switches MMP off for the family (venues.md 2026-11), which then
// reads timeInterval "0" and cannot be reset. OKX documents no reset on a set: a running freeze
// keeps its end. The answer echoes the four fields.

const FIELDS = ["instFamily", "timeInterval", "frozenInterval", "qtyLimit"] as const;
const FAMILY = /^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$/;
const MS = /^\d{1,12}$/;
const DECIMAL = /^\d{1,15}(\.\d{1,15})?$/;

export function setMmpConfig(
  account: AccountState,
  body: Record<string, unknown> | null,
): SimResponse {
  if (!body) return okxError("50002", "JSON syntax error", 400);
  for (const field of FIELDS) {
    const v = body[field];
    if (v === undefined || v === null || v === "")
      return okxError("50014", `Parameter ${field} can not be empty.`, 400);
  }
  // As the read's 51035 is seen by clients (venues.md 2026-11): no MMP privilege, no set.
  if (!account.mmpEnabled) return okxError("51035", "No market maker permission");
  const { instFamily, timeInterval, frozenInterval, qtyLimit } = body;
  if (typeof instFamily !== "string" || !FAMILY.test(instFamily))
    return okxError("51000", "Parameter instFamily error");
  if (typeof timeInterval !== "string" || !MS.test(timeInterval))
    return okxError("51000", "Parameter timeInterval error");
  if (typeof frozenInterval !== "string" || !MS.test(frozenInterval))
    return okxError("51000", "Parameter frozenInterval error");
  // > 0, compared on the digits: "0.000" is zero, whatever a float would make of it.
  if (typeof qtyLimit !== "string" || !DECIMAL.test(qtyLimit) || !/[1-9]/.test(qtyLimit))
    return okxError("51000", "Parameter qtyLimit error");

  const windowMs = Number(timeInterval);
  const frozenPeriodMs = Number(frozenInterval);
  const enabled = windowMs !== 0;
  const scope = account.scopes.get(instFamily);
  if (scope) {
    // Off keeps the last window: the family reads timeInterval "0" either way.
    scope.patch(
      enabled
        ? { enabled, windowMs, frozenPeriodMs, qtyLimit }
        : { enabled, frozenPeriodMs, qtyLimit },
    );
  } else {
    // A family configured for the first time. OKX has no delta limit ("0" = none here).
    const created = { windowMs, frozenPeriodMs, qtyLimit, deltaLimit: "0", enabled };
    account.scopes.set(instFamily, new ScopeState(instFamily, created));
  }
  return okxOk([{ instFamily, timeInterval, frozenInterval, qtyLimit }]);
}
