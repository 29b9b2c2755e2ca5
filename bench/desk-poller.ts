import { Worker } from "node:worker_threads";

// A desk client reading GET /api/mmp every `everyMs` from a worker thread: its own event loop, so
// the latencies it measures are the server's, not time spent waiting behind this process's other
// work (the simulator answering the app's polls, the audit readers).

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
let stop = false;
parentPort.on("message", () => { stop = true; });
(async () => {
  const ms = [];
  let errors = 0;
  while (!stop) {
    const next = Date.now() + workerData.everyMs;
    const t0 = performance.now();
    try {
      const res = await fetch(workerData.url, { headers: { cookie: workerData.cookie } });
      await res.arrayBuffer();
      if (!res.ok) errors += 1;
    } catch {
      errors += 1;
    }
    ms.push(performance.now() - t0);
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  parentPort.postMessage({ ms, errors });
})();
`;

export interface DeskPoller {
  /** Stops and resolves with every latency (ms) and the count of failed requests. */
  stop(): Promise<{ ms: number[]; errors: number }>;
}

export function startDeskPoller(url: string, cookie: string, everyMs: number): DeskPoller {
  const worker = new Worker(WORKER, { eval: true, workerData: { url, cookie, everyMs } });
  const done = new Promise<{ ms: number[]; errors: number }>((resolve, reject) => {
    worker.once("message", (m: { ms: number[]; errors: number }) => resolve(m));
    worker.once("error", reject);
  });
  return {
    async stop() {
      worker.postMessage("stop");
      const result = await done;
      await worker.terminate();
      return result;
    },
  };
}
