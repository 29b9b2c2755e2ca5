import "server-only";
import { hash, verify } from "@node-rs/argon2";

// Argon2id (the password-hashing competition winner, OWASP's first choice) with the library's
// defaults (m=19 MiB, t=2, p=1). Hashes are PHC strings, self-describing, so parameters can be
// raised later without breaking stored hashes.

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// A real hash of a random string, so an unknown username costs the same time as a wrong password.
const DUMMY =
  "$argon2id$v=19$m=19456,t=2,p=1$Y2FsaWJyYXRpb24tc2FsdA$3kXc4u0zIuRc5m1oU2mUgQ0lH7JY+9tCsmbK3cD0rMI";

export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  try {
    const ok = await verify(passwordHash ?? DUMMY, password);
    return passwordHash !== null && ok;
  } catch {
    return false;
  }
}
