// Pure display helpers for the desk. No clocks are read here: every function that depends on
// "now" takes it as an argument, so the server render, the hydrated render and the unit tests
// all agree on the output for the same inputs.

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** "300 ms", "5 s", "1.5 s", "5 min", "1 min 30 s", "2 h", "1 h 30 min"; null → "n/a". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "n/a";
  if (ms < SECOND) return `${ms} ms`;
  if (ms < MINUTE) return `${trimDecimal(ms / SECOND)} s`;
  if (ms < HOUR)
    return joinUnits(Math.floor(ms / MINUTE), "min", Math.round((ms % MINUTE) / SECOND), "s");
  return joinUnits(Math.floor(ms / HOUR), "h", Math.round((ms % HOUR) / MINUTE), "min");
}

/** The venues use a frozen period of 0 to mean "stay frozen until someone resets". */
export function formatFrozenPeriod(ms: number | null): string {
  return ms === 0 ? "manual reset" : formatDuration(ms);
}

/** Limits stay the venue's decimal strings (no float rounding); null means the venue has none. */
export function formatLimit(value: string | null): string {
  return value === null ? "n/a" : value;
}

/** "HH:MM:SS" in UTC, prefixed with "YYYY-MM-DD " when not on the same UTC day as `refMs`. */
export function formatUtcTime(ms: number, refMs: number): string {
  const iso = new Date(ms).toISOString();
  const time = iso.slice(11, 19);
  return iso.slice(0, 10) === new Date(refMs).toISOString().slice(0, 10)
    ? time
    : `${iso.slice(0, 10)} ${time}`;
}

/** The same instant in the browser's own time zone, for hover titles ("local time on hover").
 * Reads the runtime's zone, so only call it after hydration. */
export function formatLocalTime(ms: number): string {
  // timeStyle "long" carries the zone name; dateStyle/timeStyle cannot be mixed with
  // timeZoneName (a RangeError at runtime, not a type error).
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "long" });
}

/** Machine-readable form for `<time dateTime>` and titles. */
export function toIsoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/** "3 s ago", "5 min ago", "2 h ago", "3 d ago"; null → "never". Small negative skew reads 0 s. */
export function formatAge(fetchedAt: number | null, nowMs: number): string {
  if (fetchedAt === null) return "never";
  const age = Math.max(0, nowMs - fetchedAt);
  if (age < MINUTE) return `${Math.floor(age / SECOND)} s ago`;
  if (age < HOUR) return `${Math.floor(age / MINUTE)} min ago`;
  if (age < DAY) return `${Math.floor(age / HOUR)} h ago`;
  return `${Math.floor(age / DAY)} d ago`;
}

/**
 * Time left on a freeze: "12 s", "4 min 05 s", "2 h 03 min". Rounds up, so the last second shows
 * "1 s" and a freeze never reads "0 s" while it is still in force; callers handle ≤ 0 themselves.
 */
export function formatCountdown(remainingMs: number): string {
  const totalSeconds = Math.max(0, Math.ceil(remainingMs / SECOND));
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} min ${pad2(totalSeconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${pad2(minutes % 60)} min`;
}

function trimDecimal(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, "");
}

function joinUnits(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`;
}
