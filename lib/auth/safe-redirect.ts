// Where to go after signing in. Only same-site paths are allowed: "//evil.example", "/\evil",
// "https://…" and anything odd fall back to the desk (open-redirect guard).
export function safeCallbackPath(raw: string | null | undefined): string {
  if (!raw || raw.length > 512) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  try {
    const url = new URL(raw, "http://local.invalid");
    if (url.origin !== "http://local.invalid") return "/";
    return `${url.pathname}${url.search}`;
  } catch {
    return "/";
  }
}
