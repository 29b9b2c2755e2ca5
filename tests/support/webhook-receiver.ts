import { createServer } from "node:http";
import { freePort } from "./app-server";

// A local stand-in for MMP_ALERT_WEBHOOK_URL: it keeps every JSON body the app posts to it.
export interface WebhookReceiver<T> {
  url: string;
  calls: T[];
  close(): Promise<void>;
}

export async function startWebhookReceiver<T>(): Promise<WebhookReceiver<T>> {
  const port = await freePort();
  const calls: T[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      calls.push(JSON.parse(body) as T);
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}/hook`,
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
