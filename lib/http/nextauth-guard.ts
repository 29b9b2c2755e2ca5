import "server-only";
import type { NextRequest } from "next/server";
import { errorResponse, toErrorResult } from "@/lib/http/errors";
import { AppError } from "@/lib/platform/errors";

// next-auth answers 500 to several kinds of bad input on its own endpoints (found by
// tests/integration/fuzz.test.ts): refuse them first with the one error shape.

function isHttpUrl(url: string, base: string): boolean {
  try {
    return /^https?:$/.test(new URL(url, url.startsWith("/") ? base : undefined).protocol);
  } catch {
    return false;
  }
}

/** The callbackUrl values of a POST body, as next-auth reads the body (next-auth/next/utils.js
 * getBody: JSON, or a form), or an error response for a JSON body it could not parse. */
async function bodyCallbackUrls(req: NextRequest): Promise<unknown[] | Response> {
  if (req.method !== "POST") return [];
  const type = req.headers.get("content-type") ?? "";
  if (/application\/json/i.test(type)) {
    // It JSON.parses a JSON body unguarded.
    let body: unknown;
    try {
      body = JSON.parse(await req.clone().text());
    } catch {
      return errorResponse(new AppError("invalid_json", "body is not valid JSON"));
    }
    return typeof body === "object" && body !== null && "callbackUrl" in body
      ? [body.callbackUrl]
      : [];
  }
  if (/application\/x-www-form-urlencoded/i.test(type))
    return new URLSearchParams(await req.clone().text()).getAll("callbackUrl");
  return [];
}

/** next-auth hands a body's callbackUrl to its redirect callback, whose `new URL(url)` throws on
 * anything but an absolute URL or a path (and `url.startsWith` on anything but a string): a 500
 * with its stack trace in the log, on every request that sends one. */
const badCallbackUrl = (value: unknown, origin: string): boolean =>
  typeof value !== "string" || !isHttpUrl(value, origin);

/** A refusal for input next-auth would choke on, or null to let next-auth handle the request. */
export async function refuseBadAuthInput(
  req: NextRequest,
  path: string[],
): Promise<Response | null> {
  const bodyUrls = await bodyCallbackUrls(req);
  if (bodyUrls instanceof Response) return bodyUrls;
  // A callbackUrl (body, query or its own cookie) that is not an http(s) URL or a path is a 500
  // (body) or a "configuration" 500 (query, cookie).
  const query = req.nextUrl.searchParams.getAll("callbackUrl");
  if ([...bodyUrls, ...query].some((url) => badCallbackUrl(url, req.nextUrl.origin))) {
    return errorResponse(new AppError("invalid_callback_url", "invalid callbackUrl"));
  }
  for (const name of ["next-auth.callback-url", "__Secure-next-auth.callback-url"]) {
    const value = req.cookies.get(name)?.value;
    if (value !== undefined && !isHttpUrl(value, req.nextUrl.origin)) {
      const res = errorResponse(new AppError("invalid_cookie", "invalid callback cookie"));
      res.headers.append("Set-Cookie", `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
      return res;
    }
  }
  const [action, provider] = path;
  // next-auth copies ?error= into a redirect Location unescaped (a NUL there is a 500); the sign-in
  // page needs no detail beyond "it failed" — except a single sign-on refused because the user's
  // claims map to no role (AccessDenied), which the page names (lib/auth/oidc.ts).
  if (action === "error") {
    const code =
      req.nextUrl.searchParams.get("error") === "AccessDenied" ? "AccessDenied" : "signin";
    return new Response(null, { status: 302, headers: { Location: `/login?error=${code}` } });
  }
  if (req.method === "GET" && action === "callback" && provider === "credentials") {
    return errorResponse(new AppError("method_not_allowed", "sign in with POST"));
  }
  return null;
}

/** The answer to a sign-in refused by the throttle (lib/auth/sign-in-throttle.ts): 429 with
 * Retry-After in the one error shape, plus the `url` next-auth's browser client parses (its
 * `error` is what the login form sees). The same for every username: it says nothing about
 * whether the account exists. */
export function signInThrottled(retryAfterMs: number, origin: string): Response {
  const { status, body } = toErrorResult(
    new AppError("sign_in_throttled", "too many sign-in attempts: try again later", {
      retryAfterMs,
    }),
  );
  return Response.json(
    { ...body, url: new URL("/api/auth/error?error=SignInThrottled", origin).toString() },
    {
      status,
      headers: {
        "Cache-Control": "no-store",
        "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
      },
    },
  );
}
