// Turns a password into the passwordHash of a user in MMP_CONFIG (Argon2id, PHC string).
//   npm run hash-password            (asks, without echo)
//   echo -n 'secret' | npm run hash-password
import { hash } from "@node-rs/argon2";
import { createInterface } from "node:readline";

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString("utf8")
      .replace(/\r?\n$/, "");
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write("Password: ");
  // Mute the echo of typed characters.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  const answer = await new Promise<string>((resolve) => rl.question("", resolve));
  rl.close();
  process.stderr.write("\n");
  return answer;
}

const password = await readPassword();
if (password.length < 12) {
  console.error("refusing: use at least 12 characters");
  process.exit(1);
}
console.log(await hash(password));
