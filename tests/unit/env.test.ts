import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/platform/env";

// The one environment module: defaults for what is unset, and a bad value refused with one line
// that names the variable (start-up prints that line and exits; tests/integration/config-errors).

function errorOf(raw: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(raw);
  } catch (err) {
    if (err instanceof EnvError) return err;
    throw err;
  }
  throw new Error("expected an EnvError");
}

describe("environment", () => {
  it("fills in the documented defaults when nothing is set", () => {
    const e = parseEnv({});
    expect(e).toMatchObject({
      MMP_POLL_INTERVAL_MS: 2000,
      MMP_READ_TIMEOUT_MS: 4000,
      MMP_RESET_TIMEOUT_MS: 5000,
      MMP_CONNECT_TIMEOUT_MS: 2000,
      MMP_RESET_FRESH_MS: 2000,
      MMP_BREAKER_OPEN_MS: 5000,
      MMP_SIM_PORT: 0,
      MMP_MONITOR: "on",
      LOG_LEVEL: "info",
      MMP_SESSION_IDLE_SECONDS: 8 * 3600,
      MMP_OIDC_NAME: "Single sign-on",
      MMP_OIDC_ROLE_MAP: {},
    });
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.MMP_STALE_AFTER_MS).toBeUndefined();
  });

  it("parses good values, trims APP_ORIGIN and treats an empty value as unset", () => {
    const e = parseEnv({
      MMP_POLL_INTERVAL_MS: "1000",
      MMP_MONITOR: "off",
      APP_ORIGIN: "https://desk.example/",
      DATABASE_URL: "",
      MMP_OPS_TOKEN: "",
      MMP_OIDC_ROLE_MAP: '{"risk-traders":"trader"}',
      SOME_OTHER_VARIABLE: "ignored",
    });
    expect(e.MMP_POLL_INTERVAL_MS).toBe(1000);
    expect(e.MMP_MONITOR).toBe("off");
    expect(e.APP_ORIGIN).toBe("https://desk.example");
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.MMP_OPS_TOKEN).toBeUndefined();
    expect(e.MMP_OIDC_ROLE_MAP).toEqual({ "risk-traders": "trader" });
  });

  it("refuses garbage with one line naming the variable, what it should be and what it got", () => {
    expect(errorOf({ MMP_POLL_INTERVAL_MS: "abc" }).message).toBe(
      'MMP_POLL_INTERVAL_MS: expected an integer between 250 and 600000, got "abc"',
    );
    expect(errorOf({ MMP_READ_TIMEOUT_MS: "10" }).message).toBe(
      'MMP_READ_TIMEOUT_MS: expected an integer between 100 and 60000, got "10"',
    );
    expect(errorOf({ MMP_MONITOR: "of" }).message).toBe(
      'MMP_MONITOR: expected one of on, off, got "of"',
    );
    expect(errorOf({ NEXTAUTH_URL: "desk.example" }).message).toMatch(/^NEXTAUTH_URL: expected/);
    expect(errorOf({ MMP_OIDC_ROLE_MAP: '{"x":"root"}' }).message).toMatch(
      /^MMP_OIDC_ROLE_MAP: expected a JSON object/,
    );
    expect(errorOf({ MMP_SESSION_ABSOLUTE_HOURS: "-1" }).message).toMatch(
      /^MMP_SESSION_ABSOLUTE_HOURS: /,
    );
  });

  it("never repeats a secret's value", () => {
    const message = errorOf({ DATABASE_URL: "mysql://user:hunter2@db/x" }).message;
    expect(message).toBe(
      "DATABASE_URL: expected a postgres:// or postgresql:// URL, (value hidden)",
    );
    expect(message).not.toContain("hunter2");
  });

  it("names every bad variable, one line each", () => {
    const lines = errorOf({ MMP_POLL_INTERVAL_MS: "abc", LOG_LEVEL: "loud" }).message.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.split(":")[0]).sort()).toEqual(["LOG_LEVEL", "MMP_POLL_INTERVAL_MS"]);
  });
});
