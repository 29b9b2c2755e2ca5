"use client";

// A failed page render must say so plainly: a blank or half-drawn desk would read as "all fine".
export default function DeskError({ reset }: { error: Error; reset: () => void }) {
  return (
    <main role="alert" className="mx-auto max-w-2xl p-8">
      <h1 className="text-lg font-semibold text-red-300">The desk could not be loaded</h1>
      <p className="mt-2 text-slate-300">
        The server failed to build this page. The data shown elsewhere may be stale.
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded bg-slate-700 px-3 py-1.5 focus-visible:outline focus-visible:outline-2"
      >
        Try again
      </button>
    </main>
  );
}
