// The response headers that tell a browser what this app's pages may do, set per request by
// proxy.ts (next.config.js headers are fixed at build time; these depend on the request's nonce
// and on the deployment's public origin). No "server-only": the proxy bundle imports it.

export interface SecurityHeaderInput {
  /** Fresh for every request; Next puts it on every script it renders. */
  nonce: string;
  /** The public origin is https (APP_ORIGIN, else NEXTAUTH_URL): send HSTS. */
  https: boolean;
  /** `next dev`: React's development build evaluates strings (stack traces, fast refresh). */
  dev: boolean;
}

/**
 * Scripts: only those carrying this response's nonce, and what they load ('strict-dynamic'), so an
 * injected <script> or inline handler never runs. Next reads the nonce back from the request's
 * Content-Security-Policy header and sets it on its own scripts (every page is rendered per
 * request, so each gets its own). Styles: the app's stylesheets plus inline style attributes
 * (server-rendered markup has some; a nonce would not cover attributes, and CSS cannot run code).
 * Connections (fetch, the live EventSource) only to this origin; no plugins, no framing, no
 * <base> or form target elsewhere.
 */
export function contentSecurityPolicy({ nonce, dev }: SecurityHeaderInput): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** One year; not includeSubDomains or preload: other hosts under the domain are not ours to pin. */
export const HSTS = "max-age=31536000";

/** Whether the deployment's public origin is https (the origin check uses the same settings). */
export function publicOriginIsHttps(env: Record<string, string | undefined>): boolean {
  const origin = env.APP_ORIGIN || env.NEXTAUTH_URL || "";
  return /^https:\/\//i.test(origin);
}

export interface SecurityHeaders {
  "Content-Security-Policy": string;
  "Strict-Transport-Security"?: string;
}

export function securityHeaders(input: SecurityHeaderInput): SecurityHeaders {
  return {
    "Content-Security-Policy": contentSecurityPolicy(input),
    ...(input.https ? { "Strict-Transport-Security": HSTS } : {}),
  };
}
