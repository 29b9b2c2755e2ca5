import "server-only";

// Next bundles route handlers, pages and instrumentation separately, so a module-level variable
// can exist once per bundle. Process-wide state (clock offsets, the state cache, the demo
// simulator) therefore lives on globalThis under a namespaced symbol.
export function singleton<T>(name: string, init: () => T): T {
  const key = Symbol.for(`mmp-risk-desk.${name}`);
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  const existing = store[key];
  if (existing !== undefined) return existing;
  const created = init();
  store[key] = created;
  return created;
}
