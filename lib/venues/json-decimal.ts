import { canonicalDecimal } from "@/lib/model/limits";

// Venues send sizes as JSON numbers or as strings. The desk keeps them as exact decimal strings,
// and String(n) is not one: String(1e-7) is "1e-7" and String(1e21) is "1e+21". JavaScript's
// shortest round-trip form is exact for the decimal a venue wrote (up to 15 significant digits),
// so expanding its exponent by hand gives the venue's number back without float arithmetic.

const PLAIN = /^\d+(\.\d+)?$/;
const SCIENTIFIC = /^(\d+)(?:\.(\d+))?e([+-]?\d{1,3})$/i;

/** A venue's non-negative size as a canonical decimal string ("1.50" → "1.5", 1e-7 →
 * "0.0000001"); null when it is not a finite non-negative number. */
export function venueDecimal(value: string | number): string | null {
  const text =
    typeof value === "number"
      ? Number.isFinite(value) && value >= 0
        ? String(value)
        : ""
      : value.trim();
  if (PLAIN.test(text)) return canonicalDecimal(text.replace(/^0+(?=\d)/, ""));
  const m = SCIENTIFIC.exec(text);
  if (!m) return null;
  const [, int = "", frac = "", exp = "0"] = m;
  const digits = int + frac;
  const point = int.length + Number(exp);
  const plain =
    point <= 0
      ? `0.${"0".repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + "0".repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return venueDecimal(plain);
}

/** The JSON number that carries exactly this decimal string, or null when a double cannot (too
 * many significant digits): then it must not be sent as a number at all. */
export function exactJsonNumber(decimal: string): number | null {
  const n = Number(decimal);
  const canonical = venueDecimal(decimal);
  return canonical !== null && venueDecimal(n) === canonical ? n : null;
}
