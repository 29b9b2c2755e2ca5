import type { AccountState } from "@/simulator/state";
import type { RpcFailure } from "@/simulator/venues/deribit-auth";

// Deribit cancel-on-disconnect, shared by the HTTP and websocket transports. Reading it is what a
// risk dashboard may do; enabling or disabling it is forbidden (GET /__sim/forbidden): answered
// "ok" as the venue does, but the state moves only through POST /__sim/deadman.

type Answer = { result: unknown } | { error: RpcFailure };
type Params = Record<string, unknown>;

const GET = "private/get_cancel_on_disconnect";

/** Forbidden methods and how GET /__sim/forbidden names them. */
const FORBIDDEN: Readonly<Record<string, string>> = {
  "private/enable_cancel_on_disconnect": "Deribit private/enable_cancel_on_disconnect",
  "private/disable_cancel_on_disconnect": "Deribit private/disable_cancel_on_disconnect",
};

export function isCancelOnDisconnectMethod(method: string): boolean {
  return method === GET || FORBIDDEN[method] !== undefined;
}

/** The forbidden-call name of a JSON-RPC method; null when it is allowed. */
export function deribitForbidden(method: string): string | null {
  return FORBIDDEN[method] ?? null;
}

/**
 * Answers an authenticated cancel-on-disconnect call. For the read, scope "connection" (the venue's default)
 * only means something on a websocket; over HTTP only "account" is valid. A connection inherits
 * the account default, and nothing here changes either, so both scopes read the same value.
 */
export function cancelOnDisconnect(
  method: string,
  params: Params,
  account: AccountState,
  transport: "http" | "ws",
): Answer {
  // The writes answer "ok" whatever the scope: a forbidden call must look like it worked.
  if (method !== GET) return { result: "ok" };
  const scope = params.scope ?? "connection";
  const scopes = transport === "http" ? ["account"] : ["connection", "account"];
  if (typeof scope !== "string" || !scopes.includes(scope)) {
    const allowed = scopes.map((s) => `"${s}"`).join(" or ");
    return {
      error: {
        code: -32602,
        message: "Invalid params",
        data: {
          reason: `scope must be ${allowed} over ${transport.toUpperCase()}`,
          param: "scope",
        },
      },
    };
  }
  return { result: { scope, enabled: account.deadMan.deribitCancelOnDisconnect } };
}
