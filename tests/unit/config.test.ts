import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  configPathFromEnv,
  parseConfigFile,
  resolveAccounts,
} from "@/lib/config/load";

const dir = mkdtempSync(join(tmpdir(), "mmp-config-"));
const write = (name: string, body: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof body === "string" ? body : JSON.stringify(body));
  return path;
};
const account = {
  id: "bn-main",
  label: "Binance main",
  venue: "binance",
  baseUrl: "https://eapi.binance.com/",
  apiKeyEnv: "BN_KEY",
  apiSecretEnv: "BN_SECRET",
  scopes: ["BTCUSDT"],
};

describe("config", () => {
  it("parses a valid file and trims the base URL", () => {
    const cfg = parseConfigFile(write("ok.json", { accounts: [account] }));
    expect(cfg.accounts[0]?.baseUrl).toBe("https://eapi.binance.com");
    expect(cfg.users).toEqual([]);
  });

  it("names every problem with its path", () => {
    const bad = { accounts: [{ ...account, venue: "ftx", apiSecretEnv: "lower-case" }] };
    const err = (() => {
      try {
        parseConfigFile(write("bad.json", bad));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain("accounts.0.venue");
    expect(message).toContain("accounts.0.apiSecretEnv");
  });

  it("refuses duplicate account ids", () => {
    expect(() => parseConfigFile(write("dup.json", { accounts: [account, account] }))).toThrow(
      /accounts\.1\.id: duplicate account id "bn-main"/,
    );
  });

  it("refuses unknown keys so a typo does not silently drop a setting", () => {
    expect(() =>
      parseConfigFile(write("typo.json", { accounts: [{ ...account, scope: ["X"] }] })),
    ).toThrow(/scope/);
  });

  it("refuses a file that is not JSON", () => {
    expect(() => parseConfigFile(write("junk.json", "{ nope"))).toThrow(ConfigError);
  });

  it("marks an account with missing env vars as misconfigured instead of failing", () => {
    const cfg = parseConfigFile(write("ok2.json", { accounts: [account] }));
    const [missing] = resolveAccounts(cfg, { BN_KEY: "k" });
    expect(missing?.credentials).toBeNull();
    expect(missing?.missingEnv).toEqual(["BN_SECRET"]);
    const [ok] = resolveAccounts(cfg, { BN_KEY: "k", BN_SECRET: "s3cr3t" });
    expect(ok?.credentials?.apiSecret.reveal()).toBe("s3cr3t");
    expect(JSON.stringify(ok)).not.toContain("s3cr3t");
  });

  it("an explicit MMP_CONFIG that does not exist is an error, not demo mode", () => {
    expect(() => configPathFromEnv({ MMP_CONFIG: join(dir, "absent.json") })).toThrow(ConfigError);
  });
});
