import "server-only";
import { randomBytes } from "node:crypto";
import { ConfigError } from "@/lib/config/load";
import { env } from "@/lib/platform/env";
import { singleton } from "@/lib/platform/singleton";

// The key that signs session cookies. Real deployments must set NEXTAUTH_SECRET (stable across
// restarts and processes); demo mode makes one per process, so demo sessions end with it. It is
// process-wide (not module state): pages and route handlers are separate bundles and must agree.
const demo = singleton("demo-auth-secret", () => randomBytes(32).toString("base64"));

export function authSecret(isDemo: boolean): string {
  const { NEXTAUTH_SECRET, AUTH_SECRET } = env();
  const configured = NEXTAUTH_SECRET ?? AUTH_SECRET;
  if (configured) return configured;
  if (!isDemo)
    throw new ConfigError("NEXTAUTH_SECRET must be set (e.g. `openssl rand -base64 32`)");
  return demo;
}
