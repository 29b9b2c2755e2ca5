import "server-only";
import pino from "pino";
import { logLevel } from "@/lib/platform/env";

// One structured logger. Redaction is a second line of defence: code never passes secrets to the
// logger in the first place, but header objects and credentials are blanked if one slips through.
export const log = pino({
  level: logLevel(),
  base: { app: "mmp-risk-desk" },
  redact: {
    paths: [
      "*.apiSecret",
      "*.secret",
      "*.passphrase",
      "*.headers",
      "headers",
      "*.authorization",
      "*.signature",
      "credentials",
      "*.credentials",
    ],
    censor: "[redacted]",
  },
});
