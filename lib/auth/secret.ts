import "server-only";
import { randomBytes } from "node:crypto";
import { ConfigError } from "@/lib/config/load";

// The key that signs session cookies. Real deployments must set NEXTAUTH_SECRET (stable across
// restarts and processes); demo mode makes one per process, so demo sessions end with it.
let demoSecret: string | null = null;

export function authSecret(demo: boolean): string {
  const configured = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (configured) return configured;
  if (!demo) throw new ConfigError("NEXTAUTH_SECRET must be set (e.g. `openssl rand -base64 32`)");
  demoSecret ??= randomBytes(32).toString("base64");
  return demoSecret;
}
