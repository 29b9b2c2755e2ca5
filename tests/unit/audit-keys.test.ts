import { describe, expect, it } from "vitest";
import { EnvError, parseAuditKeys, parseEnv } from "@/lib/platform/env";

// MMP_AUDIT_KEYS: `id:base64key[,id:base64key…]`, the last key signs, older ones still verify.
// A bad value stops start-up with one line naming the variable, never the key itself.

const key = (fill: string, bytes = 32) => Buffer.alloc(bytes, fill).toString("base64");

describe("MMP_AUDIT_KEYS", () => {
  it("parses a rotation list in order, the last entry being the signing key", () => {
    const keys = parseAuditKeys(`2025q4:${key("a")}, 2026q1:${key("b", 48)}`);
    expect(keys?.map((k) => k.id)).toEqual(["2025q4", "2026q1"]);
    expect(keys?.[1]?.secret).toEqual(Buffer.alloc(48, "b"));
    expect(parseEnv({ MMP_AUDIT_KEYS: `k1:${key("c")}` }).MMP_AUDIT_KEYS?.[0]?.id).toBe("k1");
  });

  it("refuses short keys, repeated ids, missing ids and non-base64 text", () => {
    for (const bad of [
      `k1:${key("a", 31)}`,
      `k1:${key("a")},k1:${key("b")}`,
      key("a"),
      "k1:not base64 at all!",
      "",
      `k1:${key("a")},`,
    ])
      expect(parseAuditKeys(bad), bad).toBeNull();
  });

  it("a bad value is one line naming the variable, with the value hidden", () => {
    const secret = key("z", 16);
    let error: unknown = null;
    try {
      parseEnv({ MMP_AUDIT_KEYS: `k1:${secret}` });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as EnvError).message;
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toMatch(/^MMP_AUDIT_KEYS: expected id:key.*\(value hidden\)$/);
    expect(message).not.toContain(secret);
  });
});
