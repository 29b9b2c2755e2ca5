import type { Venue } from "@/lib/model/venues";
import {
  compareDecimal,
  diffLimits,
  limitsSchema,
  type MmpLimits,
  type VenueLimitSpec,
} from "@/lib/model/limits";

// Each venue's editable MMP fields, with the venue's own names, units, ranges and precision
// (docs/venues.md, "limit changes"), and what a change does beyond the numbers. The one place
// outside lib/venues/<venue>/ that knows them, because the browser's form validates with the
// same schema as the server (checked by tests/unit/venue-agnostic.test.ts).

const FROZEN_NOTE = "0 = frozen until a manual reset";

export const VENUE_LIMITS: Record<Venue, VenueLimitSpec> = {
  binance: {
    windowMs: {
      kind: "duration",
      label: "Window",
      venueField: "windowTimeInMilliseconds",
      unit: "ms",
      required: true,
      minMs: 1,
      maxMs: 5000,
      zeroAllowed: false,
      stepMs: 1,
    },
    frozenPeriodMs: {
      kind: "duration",
      label: "Frozen period",
      venueField: "frozenTimeInMilliseconds",
      unit: "ms",
      required: true,
      minMs: 1,
      maxMs: 86_400_000,
      zeroAllowed: true,
      stepMs: 1,
      note: FROZEN_NOTE,
    },
    qtyLimit: decimal("Qty limit", "qtyLimit", "contracts", 8, true),
    deltaLimit: decimal("Delta limit", "deltaLimit", "delta", 8, true),
  },
  bybit: {
    windowMs: {
      kind: "duration",
      label: "Window",
      venueField: "window",
      unit: "ms",
      required: true,
      minMs: 1,
      maxMs: 86_400_000,
      zeroAllowed: false,
      stepMs: 1,
    },
    frozenPeriodMs: {
      kind: "duration",
      label: "Frozen period",
      venueField: "frozenPeriod",
      unit: "ms",
      required: true,
      minMs: 1,
      maxMs: 86_400_000,
      zeroAllowed: true,
      stepMs: 1,
      note: `${FROZEN_NOTE}; 100 ms is the venue's default`,
    },
    qtyLimit: decimal("Qty limit", "qtyLimit", "contracts", 2, true),
    deltaLimit: decimal("Delta limit", "deltaLimit", "delta", 2, true),
    vegaLimit: decimal("Vega limit", "vegaLimit", "vega", 2, false),
  },
  okx: {
    windowMs: {
      kind: "duration",
      label: "Window",
      venueField: "timeInterval",
      unit: "ms",
      required: true,
      minMs: 1,
      maxMs: 10_000,
      zeroAllowed: true,
      stepMs: 1,
      offValue: "0",
      note: "0 switches MMP off",
    },
    frozenPeriodMs: {
      kind: "duration",
      label: "Frozen period",
      venueField: "frozenInterval",
      unit: "ms",
      required: true,
      minMs: 1,
      maxMs: 86_400_000,
      zeroAllowed: true,
      stepMs: 1,
      note: FROZEN_NOTE,
    },
    qtyLimit: decimal("Qty limit", "qtyLimit", "contracts", 8, true),
  },
  deribit: {
    windowMs: {
      kind: "duration",
      label: "Interval",
      venueField: "interval",
      unit: "seconds",
      required: true,
      minMs: 1000,
      maxMs: 3_600_000,
      zeroAllowed: true,
      stepMs: 1000,
      offValue: "0",
      note: "0 removes the MMP configuration",
    },
    frozenPeriodMs: {
      kind: "duration",
      label: "Frozen period",
      venueField: "frozen_time",
      unit: "seconds",
      required: true,
      minMs: 1000,
      maxMs: 3_600_000,
      zeroAllowed: true,
      stepMs: 1000,
      note: FROZEN_NOTE,
    },
    qtyLimit: decimal("Qty limit", "quantity_limit", "contracts", 4, false),
    deltaLimit: decimal("Delta limit", "delta_limit", "delta", 4, false),
    vegaLimit: decimal("Vega limit", "vega_limit", "USD", 4, false),
    maxQuoteQty: {
      ...decimal("Max quote quantity", "max_quote_quantity", "contracts", 4, true),
      minExclusive: false,
      note: "reserves initial margin of MQQ × 3 %",
    },
  },
};

function decimal(
  label: string,
  venueField: string,
  unit: string,
  decimals: number,
  required: boolean,
) {
  return {
    kind: "decimal" as const,
    label,
    venueField,
    unit,
    required,
    min: "0",
    minExclusive: true,
    max: "1000000000",
    decimals,
  };
}

export const venueLimitsSchema = (venue: Venue) => limitsSchema(VENUE_LIMITS[venue]);

export interface LimitEffects {
  /** The change switches MMP off: it needs an explicit confirmation and an admin's approval. */
  switchesOff: boolean;
  /** What else the venue does, shown before the request is sent and before it is approved. */
  notes: string[];
}

/** What a change does beyond the numbers, as each venue documents it. */
export function limitEffects(venue: Venue, before: MmpLimits, after: MmpLimits): LimitEffects {
  const notes: string[] = [];
  let switchesOff = false;
  if (venue === "okx" && after.windowMs === 0) {
    switchesOff = true;
    notes.push("Window 0 switches MMP off for this instrument family.");
  }
  if (venue === "deribit") {
    notes.push("Setting the configuration triggers an MMP reset: a frozen scope unfreezes.");
    if (after.windowMs === 0) {
      switchesOff = true;
      notes.push("Interval 0 removes the MMP configuration: no protection.");
    }
    if (after.maxQuoteQty !== null && compareDecimal(after.maxQuoteQty, "0") > 0)
      notes.push(
        `Max quote quantity ${after.maxQuoteQty} reserves initial margin of ${mqqMargin(after.maxQuoteQty)} contracts (3 %) for as long as it is set.`,
      );
  }
  if (venue === "bybit" && after.frozenPeriodMs === 100)
    notes.push("A frozen period of 100 ms is the venue's default: almost no protection.");
  if (diffLimits(VENUE_LIMITS[venue], before, after).length === 0)
    notes.push("Nothing changes: the values equal the venue's.");
  return { switchesOff, notes };
}

/** MQQ × 3 %, exact in decimal (at most 4 + 2 decimals). */
function mqqMargin(mqq: string): string {
  const [int = "0", frac = ""] = mqq.split(".");
  const scaled = BigInt(int + frac.padEnd(4, "0")) * 3n; // × 10^4 × 3, then ÷ 10^6
  const digits = scaled.toString().padStart(7, "0");
  const whole = digits.slice(0, -6).replace(/^0+(?=\d)/, "");
  const fraction = digits.slice(-6).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}
