import "server-only";
import type { Role } from "@/lib/config/schema";

// Session lifetimes. Idle: the cookie expires this long after the last request that refreshed it
// (open pages refresh it every minute). Absolute: a sign-in is good for at most this long, however
// active — except the wall screen's `screen` role, meant to stay signed in for weeks.
export interface SessionLifetimes {
  idleSeconds: number;
  absoluteMs: Record<Role, number>;
}

const hours = (h: number) => h * 3_600_000;

export function sessionLifetimes(
  env: Record<string, string | undefined> = process.env,
): SessionLifetimes {
  const idleSeconds = Number(env.MMP_SESSION_IDLE_SECONDS ?? 8 * 3600);
  const absolute = hours(Number(env.MMP_SESSION_ABSOLUTE_HOURS ?? 12));
  const screen = hours(Number(env.MMP_SCREEN_SESSION_DAYS ?? 30) * 24);
  return {
    idleSeconds: Math.max(idleSeconds, 60),
    absoluteMs: { viewer: absolute, trader: absolute, admin: absolute, screen },
  };
}
