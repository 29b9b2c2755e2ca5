import "server-only";
import type { z } from "zod";
import type { RequestMeta } from "@/lib/desk/reset-audit";
import { clientAddress } from "@/lib/http/client-address";
import { peerAddress } from "@/lib/http/peer-address";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";

// Request-forgery and input guards for state-changing routes: JSON only, same origin only,
// bounded size, strict schema. Each failure is a 4xx before any venue is contacted. Also where a
// request came from, for the audit trail.

const MAX_BODY_BYTES = 4096;
const DRAIN_LIMIT_BYTES = 1024 * 1024;

/** This application's origin: APP_ORIGIN, else NEXTAUTH_URL's (next-auth builds its own URLs from
 * it, so it is the public address when set), and only when neither is set (development) the
 * request's own Host, which a client chooses. */
function expectedOrigin(req: Request): string | null {
  const { APP_ORIGIN, NEXTAUTH_URL } = env();
  if (APP_ORIGIN) return APP_ORIGIN;
  if (NEXTAUTH_URL) return new URL(NEXTAUTH_URL).origin;
  const host = req.headers.get("host");
  if (!host) return null;
  return `${new URL(req.url).protocol}//${host}`;
}

export function assertSameOrigin(req: Request): void {
  if (req.headers.get("sec-fetch-site") === "cross-site") {
    throw new AppError("cross_site", "cross-site requests are refused");
  }
  const origin = req.headers.get("origin");
  const expected = expectedOrigin(req);
  if (!origin || origin === "null" || !expected || origin !== expected) {
    throw new AppError("bad_origin", "request origin is missing or not this application");
  }
}

/** The body as UTF-8 text (BOM dropped, as `req.text()` does), but never more than the limit: a
 * body without Content-Length (chunked) is refused as soon as it passes it, not read to its end. */
async function readCapped(req: Request): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      // Answer now; a little more is read and dropped meanwhile (cancelling at once would reset
      // the connection under the client's feet before it reads the 413), but a client that keeps
      // sending is cut off after DRAIN_LIMIT rather than read for as long as it sends.
      void (async () => {
        let drained = 0;
        for (;;) {
          const next = await reader.read();
          if (next.done) return;
          drained += next.value.byteLength;
          if (drained > DRAIN_LIMIT_BYTES) return reader.cancel();
        }
      })().catch(() => undefined);
      throw new AppError("body_too_large", `body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new AppError("unsupported_media_type", "body must be application/json");
  }
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES)
    throw new AppError("body_too_large", `body exceeds ${MAX_BODY_BYTES} bytes`);
  const text = await readCapped(req);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "body is not valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues
      .map((i) => i.path.join(".") || "(body)")
      .slice(0, 5)
      .join(", ");
    throw new AppError("invalid_input", `invalid request body (${where})`);
  }
  return parsed.data;
}

/** Where a request came from, for the audit trail and the sign-in throttle: the connection's
 * address (lib/http/peer-address.ts), or the client a trusted proxy names
 * (lib/http/client-address.ts). Never a header a client chose by itself. */
export function requestMeta(req: Request): RequestMeta {
  return {
    clientIp: clientAddress(
      peerAddress(req.headers),
      req.headers.get("x-forwarded-for"),
      env().MMP_TRUSTED_PROXIES,
    ),
    userAgent: req.headers.get("user-agent"),
  };
}
