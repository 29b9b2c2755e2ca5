import { z } from "zod";

// MMP limits as the desk edits them (issue 15), one shape for every venue: durations in ms,
// sizes as decimal strings (never floats: 0.1 + 0.2 must not reach a venue), null where the venue
// has no such field. Client-safe: the "Edit limits" form and the server validate with the same
// schema, built from the venue's field table (lib/model/venue-limits.ts).

export const LIMIT_FIELDS = [
  "windowMs",
  "frozenPeriodMs",
  "qtyLimit",
  "deltaLimit",
  "vegaLimit",
  "maxQuoteQty",
] as const;
export type LimitField = (typeof LIMIT_FIELDS)[number];

export interface MmpLimits {
  windowMs: number | null;
  /** 0 = frozen until a manual reset. */
  frozenPeriodMs: number | null;
  qtyLimit: string | null;
  deltaLimit: string | null;
  vegaLimit: string | null;
  /** A max quote quantity (MQQ), where the venue has one. */
  maxQuoteQty: string | null;
}

interface FieldBase {
  /** The form's label (an accessible name tests drive by). */
  label: string;
  /** The venue's own name for it, shown beside the label. */
  venueField: string;
  /** The unit the venue uses on the wire, shown to the user ("seconds" when the desk's ms must be
   * whole seconds). */
  unit: string;
  /** The venue needs it in every set call (null is refused). */
  required: boolean;
  /** A value of this field that switches MMP off. */
  offValue?: string;
  note?: string;
}

export interface DurationSpec extends FieldBase {
  kind: "duration";
  /** Inclusive bounds, ms. */
  minMs: number;
  maxMs: number;
  /** 0 is allowed besides the range (e.g. "0 = until manual reset"). */
  zeroAllowed: boolean;
  /** The venue's granularity, ms (1000 where it takes seconds). */
  stepMs: number;
}

export interface DecimalSpec extends FieldBase {
  kind: "decimal";
  /** Inclusive lower bound unless minExclusive. */
  min: string;
  minExclusive: boolean;
  max: string;
  /** Most digits after the point the venue accepts. */
  decimals: number;
}

export type LimitFieldSpec = DurationSpec | DecimalSpec;
/** A venue's editable fields; a field not listed is null for that venue. Durations are ms
 * numbers and sizes decimal strings on every venue, which is what makes limitsSchema's output an
 * MmpLimits. */
export interface VenueLimitSpec {
  windowMs?: DurationSpec;
  frozenPeriodMs?: DurationSpec;
  qtyLimit?: DecimalSpec;
  deltaLimit?: DecimalSpec;
  vegaLimit?: DecimalSpec;
  maxQuoteQty?: DecimalSpec;
}

const DECIMAL = /^(0|[1-9]\d{0,14})(\.\d+)?$/;

/** Compares two canonical non-negative decimal strings exactly (no float rounding). */
export function compareDecimal(a: string, b: string): number {
  const [ai = "0", af = ""] = a.split(".");
  const [bi = "0", bf = ""] = b.split(".");
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const [x, y] = [af.padEnd(width, "0"), bf.padEnd(width, "0")];
  return x === y ? 0 : x < y ? -1 : 1;
}

/** "1.50" → "1.5", "2.0" → "2": one spelling per value, so before/after compare and hash alike. */
export function canonicalDecimal(value: string): string {
  if (!value.includes(".")) return value;
  return value.replace(/0+$/, "").replace(/\.$/, "");
}

function durationSchema(label: string, s: DurationSpec) {
  return z
    .number({ error: `${label} must be a number of milliseconds` })
    .int({ error: `${label} must be whole milliseconds` })
    .refine((v) => (v === 0 && s.zeroAllowed) || (v >= s.minMs && v <= s.maxMs), {
      error: `${label} must be ${s.zeroAllowed ? "0 or " : ""}between ${s.minMs} and ${s.maxMs} ms`,
    })
    .refine((v) => v % s.stepMs === 0, {
      error: `${label} must be a multiple of ${s.stepMs} ms (the venue takes ${s.unit})`,
    });
}

function decimalSchema(label: string, s: DecimalSpec) {
  return z
    .string({ error: `${label} must be a decimal number written as text` })
    .max(32)
    .regex(DECIMAL, { error: `${label} must be a plain decimal number (digits, one point)` })
    .refine((v) => (v.split(".")[1] ?? "").replace(/0+$/, "").length <= s.decimals, {
      error: `${label} takes at most ${s.decimals} decimals`,
    })
    .transform(canonicalDecimal)
    .refine(
      (v) => {
        const c = compareDecimal(v, canonicalDecimal(s.min));
        return s.minExclusive ? c > 0 : c >= 0;
      },
      { error: `${label} must be ${s.minExclusive ? "above" : "at least"} ${s.min}` },
    )
    .refine((v) => compareDecimal(v, canonicalDecimal(s.max)) <= 0, {
      error: `${label} must be at most ${s.max}`,
    });
}

/** The strict schema of a venue's limits: every field present, unknown fields refused, fields
 * the venue lacks null, required ones non-null, each within the venue's range and precision. */
export function limitsSchema(spec: VenueLimitSpec) {
  const shape = Object.fromEntries(
    LIMIT_FIELDS.map((field) => {
      const s = spec[field];
      if (!s) return [field, z.null({ error: `${field} does not exist on this venue` })];
      const base = s.kind === "duration" ? durationSchema(s.label, s) : decimalSchema(s.label, s);
      return [field, s.required ? base : base.nullable()];
    }),
  ) as Record<LimitField, z.ZodType<number | string | null>>;
  // Sound by VenueLimitSpec's types: each field's schema yields MmpLimits' type for it.
  return z.strictObject(shape) as unknown as z.ZodType<MmpLimits>;
}

export interface LimitChange {
  field: LimitField;
  label: string;
  before: number | string | null;
  after: number | string | null;
}

/** The fields that differ, in the table's order, compared as canonical values. */
export function diffLimits(
  spec: VenueLimitSpec,
  before: MmpLimits,
  after: MmpLimits,
): LimitChange[] {
  const same = (a: number | string | null, b: number | string | null) =>
    typeof a === "string" && typeof b === "string"
      ? canonicalDecimal(a) === canonicalDecimal(b)
      : a === b;
  return LIMIT_FIELDS.flatMap((field) => {
    const s = spec[field];
    if (!s || same(before[field], after[field])) return [];
    return [{ field, label: s.label, before: before[field], after: after[field] }];
  });
}
