import { connect } from "node:net";
import { z } from "zod";
import { FIXTURE_SECRETS } from "./fixtures";
import { simControl } from "./sim-client";

// HTTP plumbing for the fuzz tests: send one request (fetch or raw bytes over a socket), read the
// whole answer (or only the first chunk of an event stream), and check the properties every
// answer must have whatever the input was.

export interface Answer {
  status: number;
  /** Lower-case names, in arrival order. */
  headers: [string, string][];
  text: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** fetch without following redirects; an event stream is read up to its first chunk only. */
export async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error("no answer")), REQUEST_TIMEOUT_MS);
  try {
    const res = await fetch(url, { ...init, redirect: "manual", signal: abort.signal });
    const headers = [...res.headers].map(([k, v]): [string, string] => [k.toLowerCase(), v]);
    let text: string;
    if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream") && res.body) {
      const reader = res.body.getReader();
      const first = await reader.read();
      text = first.value ? new TextDecoder().decode(first.value) : "";
      await reader.cancel().catch(() => undefined);
    } else {
      text = await res.text();
    }
    return { status: res.status, headers, text };
  } catch (err) {
    throw new Error(`${init.method ?? "GET"} ${url}: ${String(err)}`, { cause: err });
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** Writes `request` as-is to the server's socket and parses the first answer it sends back (an
 * event stream up to its headers: it never ends). Status 0: closed without an HTTP answer. */
export function sendRaw(url: string, request: Buffer): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(new Error(`raw request: no complete answer within ${REQUEST_TIMEOUT_MS} ms`)),
        ),
      REQUEST_TIMEOUT_MS,
    );
    const parse = (): Answer | null => {
      const raw = Buffer.concat(chunks).toString("latin1");
      const end = raw.indexOf("\r\n\r\n");
      if (end < 0) return null;
      const [statusLine = "", ...lines] = raw.slice(0, end).split("\r\n");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      const headers = lines.map((l): [string, string] => {
        const colon = l.indexOf(":");
        return [l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim()];
      });
      let text = raw.slice(end + 4);
      if (headers.some(([k, v]) => k === "transfer-encoding" && /chunked/i.test(v)))
        text = unchunk(text);
      return { status, headers, text };
    };
    const finish = () => {
      const answer = parse();
      const got = Buffer.concat(chunks).toString("latin1");
      // status 0: the server closed the connection without an HTTP answer
      settle(() => resolve(answer?.status ? answer : { status: 0, headers: [], text: got }));
    };
    socket.on("data", (d: Buffer) => {
      chunks.push(d);
      const answer = parse();
      const type = answer?.headers.find(([k]) => k === "content-type")?.[1] ?? "";
      if (answer && type.startsWith("text/event-stream")) finish();
    });
    socket.on("end", finish);
    socket.on("error", (err) => {
      // A reset after the server wrote its answer (it refused the rest) still counts as answered.
      if (chunks.length > 0) finish();
      else settle(() => reject(err));
    });
    socket.write(request);
  });
}

/** Decodes a chunked body (as much of it as is well-formed). */
function unchunk(raw: string): string {
  let out = "";
  let at = 0;
  for (;;) {
    const eol = raw.indexOf("\r\n", at);
    const size = eol < 0 ? NaN : parseInt(raw.slice(at, eol), 16);
    if (!(size > 0)) return out;
    out += raw.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** The one JSON error shape of this API (README: `venueCode` and `correlationId` optional). */
const errorBodySchema = z
  .object({
    error: z
      .object({
        code: z.string().min(1),
        message: z.string(),
        venueCode: z.string().optional(),
        correlationId: z.string().optional(),
      })
      .strict(),
  })
  .strict();

export interface Expectation {
  /** A route of this app (not next-auth's): its errors must use the one JSON shape. */
  ours: boolean;
  method: string;
  /** Redirects are acceptable (next-auth's pages, Next's path normalisation). */
  allowRedirect?: boolean;
}

/** Every property that must hold for any input; returns what is wrong (empty when fine). */
export function violations(answer: Answer, expect: Expectation): string[] {
  const found: string[] = [];
  const { status } = answer;
  const ok =
    (status >= 200 && status < 300) ||
    (status >= 400 && status < 500) ||
    (expect.allowRedirect === true && status >= 300 && status < 400);
  if (!ok) found.push(`status ${status}`);
  const type = answer.headers.find(([k]) => k === "content-type")?.[1] ?? "";
  const hasBody = expect.method !== "HEAD" && answer.text.length > 0;
  // Next adds the headers of next.config.js to every answer it makes; Node's own HTTP layer
  // (malformed request 400, headers too large 431) does not, and is not ours to shape.
  const fromNext = answer.headers.some(([k]) => k === "x-content-type-options");
  if (expect.ours && fromNext && status >= 400 && hasBody) {
    if (!/^application\/json/i.test(type)) {
      found.push(`error answer of type "${type}"`);
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer.text);
      } catch {
        found.push("error answer is not valid JSON");
      }
      if (parsed !== undefined && !errorBodySchema.safeParse(parsed).success)
        found.push(`error body not of the one shape: ${answer.text.slice(0, 300)}`);
    }
  }
  // Next answers an unsupported method with an empty 405; every other error of ours has a body.
  if (expect.ours && fromNext && status >= 400 && status !== 405 && expect.method !== "HEAD")
    if (!hasBody) found.push(`empty ${status} answer`);
  const everything = [answer.text, ...answer.headers.map(([k, v]) => `${k}: ${v}`)].join("\n");
  for (const secret of FIXTURE_SECRETS)
    if (everything.includes(secret)) found.push(`a configured secret (${secret.slice(0, 12)}…)`);
  return found;
}

export function describeAnswer(answer: Answer): string {
  return `${answer.status} ${answer.text.slice(0, 300)}`;
}

/** The venue paths that reset MMP, one per venue. Only these must never see invalid input. */
const RESET_PATHS = [
  "/eapi/v1/mmpReset",
  "/v5/account/mmp-reset",
  "/api/v5/account/mmp-reset",
  "/api/v2/private/reset_mmp",
] as const;

/** Watches the simulator's request log for resets (the app's own background reads are fine). */
export function resetWatch(simUrl: string) {
  const ctl = simControl(simUrl);
  let seen = 0;
  const current = async () =>
    (await Promise.all(RESET_PATHS.map((path) => ctl.log({ path })))).flat();
  return {
    /** Starts counting from now. */
    mark: async () => {
      seen = Math.max(seen, ...(await current()).map((e) => e.seq));
    },
    /** Reset requests the venue received since the last mark (or check), as "METHOD path body". */
    newSinceMark: async (): Promise<string[]> => {
      const fresh = (await current()).filter((e) => e.seq > seen);
      seen = Math.max(seen, ...fresh.map((e) => e.seq));
      return fresh.map((e) => `${e.method} ${e.path} ${e.query} ${e.body ?? ""}`);
    },
  };
}
