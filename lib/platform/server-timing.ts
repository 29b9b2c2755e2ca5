import { AsyncLocalStorage } from "node:async_hooks";

// Where a request's time goes, as a Server-Timing header (a standard browsers' devtools and the
// benchmark read): the edge opens a record around a state-changing request, and the steps it
// calls add their spans by name. Outside such a request, timed() just runs the step.

export class Timings {
  private readonly spans = new Map<string, number>();
  private readonly started = performance.now();

  add(name: string, ms: number): void {
    this.spans.set(name, (this.spans.get(name) ?? 0) + ms);
  }

  /** `name;dur=ms` for every span, then the whole request so far as `total`. */
  header(): string {
    const parts = [...this.spans].map(([name, ms]) => `${name};dur=${ms.toFixed(2)}`);
    parts.push(`total;dur=${(performance.now() - this.started).toFixed(2)}`);
    return parts.join(", ");
  }
}

const current = new AsyncLocalStorage<Timings>();

export function withTimings<T>(run: (timings: Timings) => Promise<T>): Promise<T> {
  const timings = new Timings();
  return current.run(timings, () => run(timings));
}

/** Adds a span measured by the caller (where a step is not one awaited call). */
export function addSpan(name: string, ms: number): void {
  current.getStore()?.add(name, ms);
}

/** Runs one step of the current request, adding its duration to the span `name`. */
export async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const timings = current.getStore();
  if (!timings) return step();
  const started = performance.now();
  try {
    return await step();
  } finally {
    timings.add(name, performance.now() - started);
  }
}
