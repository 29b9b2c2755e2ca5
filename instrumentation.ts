// Runs once per server process before it serves requests: load and validate the configuration
// (starting the built-in simulator in demo mode). An invalid config stops the process with a
// clear message rather than serving a desk that silently watches the wrong thing.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // First, so that every request from now on carries its connection's address.
  const { watchPeerAddresses } = await import("@/lib/http/peer-address");
  watchPeerAddresses();
  const { startServer } = await import("@/lib/server/start");
  await startServer();
}
