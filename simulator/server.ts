import type { IncomingMessage, ServerResponse } from "node:http";
import { handleControl } from "@/simulator/control";
import type { SimCore } from "@/simulator/core";
import { answerWithFault } from "@/simulator/faults";
import {
  BodyTooLargeError,
  isLoopback,
  readBody,
  send,
  sendJson,
  splitTarget,
  type SimRequest,
} from "@/simulator/http";

// Request pipeline shared by all venues: read → (control API | log → fault → venue protocol).

export function createRequestHandler(core: SimCore) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    dispatch(core, req, res).catch((err: unknown) => {
      // A bug in the simulator must surface as a loud 500, never as a silent hang.
      sendJson(res, 500, { error: "simulator_error", message: String(err) });
    });
  };
}

async function dispatch(core: SimCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { path, rawQuery } = splitTarget(req.url ?? "/");
  const method = (req.method ?? "GET").toUpperCase();
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) sendJson(res, 413, { error: "body_too_large" });
    return;
  }
  const sreq: SimRequest = { method, path, rawQuery, body, headers: req.headers };

  if (path === "/__sim" || path.startsWith("/__sim/")) {
    // No auth on the control API, so it must never be reachable from another machine.
    if (!isLoopback(req.socket.remoteAddress))
      return sendJson(res, 403, { error: "loopback_only" });
    const answer = handleControl(core, sreq);
    return sendJson(res, answer.status, answer.body);
  }

  const protocol = core.protocolFor(path);
  if (!protocol) return sendJson(res, 404, { error: "not_found", path });

  const apiKey = protocol.apiKeyOf(sreq);
  const entry = core.log.add({
    at: Date.now(),
    venue: protocol.venue,
    method,
    path,
    query: rawQuery,
    body: body.length > 0 ? body.toString("utf8") : null,
    apiKey,
  });

  // Before faults and auth: a forbidden call is a bug in the caller even if it never lands.
  const what = protocol.forbidden(sreq);
  if (what)
    core.forbidden.record({ at: entry.at, venue: protocol.venue, method, path, apiKey, what });

  const rule = core.faults.take({ venue: protocol.venue, apiKey, method, path });
  if (rule) entry.fault = rule.kind;
  if (rule && rule.kind !== "latency") {
    // apply:true runs the endpoint for real first: "the reset may have happened" cases.
    const applied = rule.apply ? protocol.handle(sreq) : null;
    const outcome = answerWithFault(res, rule, protocol, applied);
    entry.status = outcome.status;
    entry.venueCode = outcome.venueCode;
    return;
  }
  if (rule?.kind === "latency") {
    await core.sleep(rule.ms ?? 0);
    // A client that gave up meanwhile does not undo the request: the venue still executes it
    // (latency is always "applied"); only a closing simulator stops here.
    if (core.isClosed) return;
  }

  const answer = protocol.handle(sreq);
  send(res, answer);
  entry.status = answer.status;
  entry.venueCode = answer.venueCode;
}
