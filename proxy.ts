import { NextResponse, type NextRequest } from "next/server";
import { publicOriginIsHttps, securityHeaders } from "@/lib/http/security-headers";

// Runs before every page and /api/auth/*:
// - sets the security headers that depend on the request (lib/http/security-headers.ts): a page's
//   Content-Security-Policy with a fresh script nonce, which the page's render reads back from the
//   request's own CSP header (how Next learns the nonce to put on its scripts), and HSTS when the
//   public origin is https. Permissions-Policy, the API routes' fixed CSP and the other fixed
//   headers are in next.config.js.
// - refuses a malformed percent-encoding under /api/auth: Next answers one in a dynamic route
//   segment (/api/auth/[...nextauth]) with a bare 500 while decoding the params.
// Not on the other API routes: for a request with a body, Next makes the body replayable for the
// proxy by copying it as it is read, which reads all of it, so a reset's 4 kB body cap (lib/http/
// request.ts) would no longer stop an endless body (tests/integration/fuzz.test.ts).

function malformedAuthPath(pathname: string): boolean {
  if (!/^\/api\/auth(\/|$)/.test(pathname)) return false;
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

function nonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function proxy(req: NextRequest) {
  const { "Content-Security-Policy": csp, ...always } = securityHeaders({
    nonce: nonce(),
    https: publicOriginIsHttps(process.env),
    dev: process.env.NODE_ENV === "development",
  });
  let res: NextResponse;
  if (malformedAuthPath(req.nextUrl.pathname)) {
    res = NextResponse.json(
      { error: { code: "bad_path", message: "malformed percent-encoding in the path" } },
      { status: 400 },
    );
  } else if (req.nextUrl.pathname.startsWith("/api/")) {
    // next-auth's JSON and redirects: next.config.js gives them the API routes' fixed policy.
    res = NextResponse.next();
  } else {
    const forward = new Headers(req.headers);
    forward.set("content-security-policy", csp);
    res = NextResponse.next({ request: { headers: forward } });
    res.headers.set("Content-Security-Policy", csp);
  }
  for (const [name, value] of Object.entries(always)) res.headers.set(name, value);
  return res;
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)", "/api/auth/:path*"],
};
