import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SimCore, type ProtocolFactory } from "@/simulator/core";
import { startFillGenerator } from "@/simulator/fills";
import { createRequestHandler } from "@/simulator/server";
import type { SimHandle, SimOptions } from "@/simulator/types";
import { createBinanceProtocol } from "@/simulator/venues/binance";
import { createBybitProtocol } from "@/simulator/venues/bybit";
import { createDeribitProtocol } from "@/simulator/venues/deribit";
import { closeWebsockets, upgradeHandler } from "@/simulator/venues/deribit-ws";
import { createOkxProtocol } from "@/simulator/venues/okx";

// Entry point of the built-in exchange simulator (see README.md beside this file).

export type * from "@/simulator/types";

/** One factory per simulated venue; a new venue is one more module and one more line here. */
const PROTOCOLS: readonly ProtocolFactory[] = [
  createBinanceProtocol,
  createBybitProtocol,
  createOkxProtocol,
  createDeribitProtocol,
];

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

export async function startSimulator(opts: SimOptions): Promise<SimHandle> {
  const host = opts.host ?? "127.0.0.1";
  // The control API has no auth: refuse to expose it beyond this machine.
  if (!LOOPBACK_HOSTS.has(host) && !host.startsWith("127.")) {
    throw new Error(`simulator binds to loopback only, got host ${host}`);
  }
  const core = new SimCore(opts, PROTOCOLS);
  const server = createServer(createRequestHandler(core));
  // Push channels (Deribit's /ws/api/v2) share the HTTP port, as on the venues.
  server.on("upgrade", upgradeHandler(core));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const fills = startFillGenerator(core, opts.fillGenerator);
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        fills?.stop();
        core.close();
        // Upgraded sockets are no longer HTTP connections: closeAllConnections() misses them.
        closeWebsockets(core);
        server.close(() => resolve());
        // Hung (fault "hang") and keep-alive sockets would otherwise hold close() forever.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
