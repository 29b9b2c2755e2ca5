// User-supplied and venue-supplied text is stored as data, never as markup or log lines: control
// characters (newlines included, the tool of log injection) are escaped visibly, and every field
// has a length cap so a request cannot bloat the trail.
export function clean(value: string | null | undefined, max = 200): string | null {
  if (value === null || value === undefined) return null;
  const escaped = value.replace(
    /[\u0000-\u001f\u007f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

export function json(value: unknown, max = 4000): string | null {
  if (value === undefined || value === null) return null;
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
