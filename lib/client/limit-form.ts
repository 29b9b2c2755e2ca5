import {
  LIMIT_FIELDS,
  type LimitField,
  type LimitFieldSpec,
  type MmpLimits,
} from "@/lib/model/limits";
import { VENUE_LIMITS, venueLimitsSchema } from "@/lib/model/venue-limits";
import type { MmpRow } from "@/lib/model/types";
import type { Venue } from "@/lib/model/venues";

// The "Edit limits" form's text ↔ MmpLimits, validated with the server's own schema so the form
// never accepts what the server refuses (the firm's policy bounds excepted: the browser does not
// know them, the server names them). Pure functions, so the form renders them on every keystroke.

const SECOND = 1000;

export interface FormField {
  field: LimitField;
  spec: LimitFieldSpec;
  /** The unit the number typed counts: a venue that only takes whole seconds is edited in
   * seconds, so the number typed is the number the venue gets. */
  inputUnit: "ms" | "s" | null;
}

export type LimitInputs = Partial<Record<LimitField, string>>;
export type LimitErrors = Partial<Record<LimitField, string>>;

export function formFields(venue: Venue): FormField[] {
  const table = VENUE_LIMITS[venue];
  return LIMIT_FIELDS.flatMap((field) => {
    const spec = table[field];
    if (!spec) return [];
    const inputUnit = spec.kind === "decimal" ? null : spec.stepMs % SECOND === 0 ? "s" : "ms";
    return [{ field, spec, inputUnit }];
  });
}

/** Fields the desk's rows do not carry: their "before" is unknown to the form (the server reads
 * the venue's value when the change is requested). */
export const NOT_ON_ROW: readonly LimitField[] = ["maxQuoteQty"];

/** The row's limits as the desk last read them, in the venue's fields only; NOT_ON_ROW fields are
 * null. */
export function rowLimits(row: MmpRow): MmpLimits {
  const table = VENUE_LIMITS[row.venue];
  const known: MmpLimits = {
    windowMs: row.windowMs,
    frozenPeriodMs: row.frozenPeriodMs,
    qtyLimit: row.qtyLimit,
    deltaLimit: row.deltaLimit,
    vegaLimit: row.vegaLimit,
    maxQuoteQty: null,
  };
  const out = { ...known };
  for (const field of LIMIT_FIELDS) if (!table[field]) out[field] = null;
  return out;
}

export function inputsFrom(venue: Venue, limits: MmpLimits): LimitInputs {
  const inputs: LimitInputs = {};
  for (const { field, inputUnit } of formFields(venue)) {
    const value = limits[field];
    inputs[field] =
      value === null
        ? ""
        : typeof value === "number" && inputUnit === "s"
          ? String(value / SECOND)
          : String(value);
  }
  return inputs;
}

/** The bounds in the unit the user types, e.g. "0 or 1–3600 s", "above 0, at most 2 decimals". */
export function rangeHint({ spec, inputUnit }: FormField): string {
  if (spec.kind === "decimal")
    return `${spec.minExclusive ? "above" : "at least"} ${spec.min}, at most ${spec.max}; up to ${spec.decimals} decimals`;
  const div = inputUnit === "s" ? SECOND : 1;
  return `${spec.zeroAllowed ? "0 or " : ""}${spec.minMs / div}–${spec.maxMs / div} ${inputUnit}`;
}

export interface ParsedForm {
  /** The limits to request; null while any field is invalid. */
  limits: MmpLimits | null;
  errors: LimitErrors;
}

export function parseInputs(venue: Venue, inputs: LimitInputs): ParsedForm {
  const errors: LimitErrors = {};
  const candidate: Record<LimitField, number | string | null> = {
    windowMs: null,
    frozenPeriodMs: null,
    qtyLimit: null,
    deltaLimit: null,
    vegaLimit: null,
    maxQuoteQty: null,
  };
  for (const { field, spec, inputUnit } of formFields(venue)) {
    const text = (inputs[field] ?? "").trim();
    if (text === "") {
      if (spec.required) errors[field] = `${spec.label} is required`;
      continue;
    }
    if (spec.kind === "decimal") {
      candidate[field] = text;
    } else if (!/^\d{1,12}$/.test(text)) {
      // Whole numbers only: the schema's step check then speaks in the same unit the user sees.
      errors[field] =
        `${spec.label} must be a whole number of ${inputUnit === "s" ? "seconds" : "milliseconds"}`;
    } else {
      candidate[field] = Number(text) * (inputUnit === "s" ? SECOND : 1);
    }
  }
  const parsed = venueLimitsSchema(venue).safeParse(candidate);
  if (parsed.success) return { limits: Object.keys(errors).length ? null : parsed.data, errors };
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (typeof field === "string" && isLimitField(field) && !errors[field])
      errors[field] = issue.message;
  }
  return { limits: null, errors };
}

const isLimitField = (name: string): name is LimitField =>
  (LIMIT_FIELDS as readonly string[]).includes(name);
