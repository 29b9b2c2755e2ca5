import type { SimRequest, SimResponse } from "@/simulator/http";
import type { SimState } from "@/simulator/state";
import { authenticateBinance, binanceError } from "@/simulator/venues/binance-auth";

// Binance Options countdown cancel-all ("kill switch"): the read endpoint a risk dashboard may
// call, and the two writes it must never make (setting the countdown, sending its heartbeat).
// Both writes answer as the venue would but change nothing: the state moves only through
// POST /__sim/deadman, so a forbidden call can never hide itself by changing what is read.

type Route = (req: SimRequest) => SimResponse;

/** Forbidden routes and how GET /__sim/forbidden names them. */
export const BINANCE_FORBIDDEN: Readonly<Record<string, string>> = {
  "POST /eapi/v1/countdownCancelAllHeartBeat": "Binance countdownCancelAllHeartBeat",
  "POST /eapi/v1/countdownCancelAll": "Binance countdownCancelAll (set)",
};

/** Request weights that differ from 1 (the venue documents 10 for the heartbeat). */
export const BINANCE_DEADMAN_WEIGHTS: Readonly<Record<string, number>> = {
  "POST /eapi/v1/countdownCancelAllHeartBeat": 10,
};

const mandatory = (name: string) =>
  binanceError(
    400,
    -1102,
    `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
  );

export function binanceDeadManRoutes(state: () => SimState, now: () => number) {
  /** Signed like every USER_DATA endpoint; then `fn` with the account's switch and params. */
  const signed =
    (fn: (ctx: { armed: Countdown[]; params: Map<string, string> }) => SimResponse): Route =>
    (req) => {
      const auth = authenticateBinance(req, state(), now());
      if (!auth.ok) return auth.response;
      return fn({ armed: auth.account.deadMan.armedCountdowns(), params: auth.params });
    };

  const routes: Record<string, Route> = {
    // Only armed underlyings are listed (countdownTime 0 = off is left out, as documented).
    "GET /eapi/v1/countdownCancelAll": signed(({ armed, params }) => {
      const underlying = params.get("underlying");
      return ok(armed.filter((c) => !underlying || c.underlying === underlying));
    }),
    "POST /eapi/v1/countdownCancelAll": signed(({ params }) => {
      const underlying = params.get("underlying");
      const countdownTime = params.get("countdownTime");
      if (!underlying) return mandatory("underlying");
      if (!countdownTime || !/^\d{1,20}$/.test(countdownTime)) return mandatory("countdownTime");
      return ok({ underlying, countdownTime: Number(countdownTime) });
    }),
    // The venue answers the underlyings whose heartbeat it renewed: armed ones only.
    "POST /eapi/v1/countdownCancelAllHeartBeat": signed(({ armed, params }) => {
      const asked = params.get("underlyings")?.split(",");
      return ok({
        underlyings: armed
          .map((c) => c.underlying)
          .filter((u) => asked === undefined || asked.includes(u)),
      });
    }),
  };
  return routes;
}

interface Countdown {
  underlying: string;
  countdownTime: number;
}

function ok(body: unknown): SimResponse {
  return { status: 200, body, venueCode: null };
}
