// Wait for a condition instead of sleeping a fixed time: poll until it holds or the time is up.
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
      lastError = null;
    } catch (err) {
      if (err instanceof Error && err.message.startsWith("app exited early")) throw err;
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ""}`,
  );
}
