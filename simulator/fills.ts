import type { SimCore } from "@/simulator/core";
import type { SimOptions } from "@/simulator/types";

// Demo fill generator: now and then a random active scope "gets filled" up to its limits and MMP
// trips, so a desk pointed at the standalone simulator shows freezes appearing and expiring.

const DEFAULT_FILL_INTERVAL_MS = 4000;
const DEFAULT_FILL_PROBABILITY = 0.3;

export interface FillGenerator {
  stop(): void;
}

export function startFillGenerator(
  core: SimCore,
  option: SimOptions["fillGenerator"],
  random: () => number = Math.random,
): FillGenerator | null {
  if (!option) return null;
  const { intervalMs, probability } =
    option === true
      ? { intervalMs: DEFAULT_FILL_INTERVAL_MS, probability: DEFAULT_FILL_PROBABILITY }
      : option;

  const timer = setInterval(() => {
    if (random() >= probability) return;
    // Read core.state on every tick: POST /__sim/restore replaces it.
    const candidates = core.state.accounts().flatMap((account) => {
      const now = core.now(account.venue);
      return [...account.scopes.values()]
        .filter((s) => s.config.enabled && !s.isFrozen(now))
        .map((scope) => ({ scope, now }));
    });
    const pick = candidates[Math.floor(random() * candidates.length)];
    pick?.scope.trigger(pick.now);
  }, intervalMs);
  // Never keep a process alive just for demo fills.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
