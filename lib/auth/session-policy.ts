import "server-only";
import { type Role } from "@/lib/model/roles";
import { env, parseEnv, type RawEnv } from "@/lib/platform/env";

// Session lifetimes. Idle: the cookie expires this long after the last request that refreshed it
// (open pages refresh it every minute). Absolute: a sign-in is good for at most this long, however
// active — except the wall screen's `screen` role, meant to stay signed in for weeks.
export interface SessionLifetimes {
  idleSeconds: number;
  absoluteMs: Record<Role, number>;
}

const hours = (h: number) => h * 3_600_000;

/** From the app's environment (defaults and bounds in lib/platform/env.ts); a test may pass its own
 * map of variables. */
export function sessionLifetimes(raw?: RawEnv): SessionLifetimes {
  const e = raw ? parseEnv(raw) : env();
  const absolute = hours(e.MMP_SESSION_ABSOLUTE_HOURS);
  const screen = hours(e.MMP_SCREEN_SESSION_DAYS * 24);
  return {
    idleSeconds: Math.max(e.MMP_SESSION_IDLE_SECONDS, 60),
    absoluteMs: { viewer: absolute, trader: absolute, admin: absolute, screen },
  };
}
