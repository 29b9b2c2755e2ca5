export const dynamic = "force-dynamic";

// The least a route handler can do to hold server-sent-events streams: one shared timer queues
// the same bytes on every open stream four times a second (the desk batches account updates every
// 250 ms); nothing per stream but its controller. bench/floor.ts reads the process's RSS per
// stream from it, the floor under the desk's own figure.

type Controller = ReadableStreamDefaultController<Uint8Array>;
const shared = globalThis as unknown as { open?: Set<Controller>; timer?: unknown };
const open = (shared.open ??= new Set<Controller>());
const update = new TextEncoder().encode(`event: account\ndata: {"rows":"${"x".repeat(400)}"}\n\n`);
shared.timer ??= setInterval(() => {
  for (const c of open) c.enqueue(update);
}, 250);

export function GET(req: Request): Response {
  let controller: Controller | null = null;
  const leave = () => {
    if (controller) open.delete(controller);
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
        open.add(c);
        c.enqueue(update);
      },
      cancel: leave,
    },
    { highWaterMark: 0 },
  );
  req.signal.addEventListener("abort", leave, { once: true });
  return new Response(body, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store, no-transform" },
  });
}
