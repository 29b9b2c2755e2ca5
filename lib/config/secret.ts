import "server-only";
import { inspect } from "node:util";

// A credential value that cannot leak by accident: JSON, string coercion and console/pino
// inspection all print "[redacted]". Only a signer calls reveal().
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return "[redacted]";
  }

  toString(): string {
    return "[redacted]";
  }

  [inspect.custom](): string {
    return "[redacted]";
  }
}
